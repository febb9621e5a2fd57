<?xml version="1.0" encoding="utf-8"?>
<!DOCTYPE TS>
<TS version="2.1" language="ru_RU">
<context>
    <name>cityops::maps::MapView</name>
    <message>
        <source>CO₂ (ppm)</source>
        <translation>CO₂ (ppm)</translation>
    </message>
    <message>
        <source>no value yet</source>
        <translation>ещё нет значения</translation>
    </message>
    <message>
        <source>%1 km</source>
        <translation>%1 км</translation>
    </message>
    <message>
        <source>%1 m</source>
        <translation>%1 м</translation>
    </message>
    <message>
        <source>%1°, %2°</source>
        <translation>%1°, %2°</translation>
    </message>
</context>
<context>
    <name>cityops::widgets::AlertModel</name>
    <message>
        <source>Time</source>
        <translation>Время</translation>
    </message>
    <message>
        <source>Severity</source>
        <translation>Важность</translation>
    </message>
    <message>
        <source>Rule</source>
        <translation>Правило</translation>
    </message>
    <message>
        <source>District</source>
        <translation>Район</translation>
    </message>
    <message>
        <source>Sensor</source>
        <translation>Датчик</translation>
    </message>
    <message>
        <source>Value</source>
        <translation>Значение</translation>
    </message>
    <message>
        <source>District %1</source>
        <translation>Район %1</translation>
    </message>
    <message>
        <source>Sensor %1</source>
        <translation>Датчик %1</translation>
    </message>
    <message>
        <source>Info</source>
        <translation>Информация</translation>
    </message>
    <message>
        <source>Warning</source>
        <translation>Предупреждение</translation>
    </message>
    <message>
        <source>Critical</source>
        <translation>Критично</translation>
    </message>
    <message>
        <source>CO₂ high</source>
        <translation>Высокий CO₂</translation>
    </message>
</context>
<context>
    <name>cityops::widgets::AlertPanel</name>
    <message>
        <source>Filter alerts (district, sensor, severity...)</source>
        <translation>Фильтр тревог (район, датчик, важность...)</translation>
    </message>
</context>
<context>
    <name>cityops::widgets::LiveChartPanel</name>
    <message>
        <source>Traffic speed</source>
        <translation>Скорость движения</translation>
    </message>
    <message>
        <source>Vehicle count</source>
        <translation>Число машин</translation>
    </message>
    <message>
        <source>CO₂</source>
        <translation>CO₂</translation>
    </message>
    <message>
        <source>PM2.5</source>
        <translation>PM2.5</translation>
    </message>
    <message>
        <source>Temperature</source>
        <translation>Температура</translation>
    </message>
    <message>
        <source>Humidity</source>
        <translation>Влажность</translation>
    </message>
    <message>
        <source>Parking occupancy</source>
        <translation>Занятость парковки</translation>
    </message>
    <message>
        <source>Emergency severity</source>
        <translation>Уровень ЧС</translation>
    </message>
    <message>
        <source>Energy</source>
        <translation>Энергия</translation>
    </message>
    <message>
        <source>Noise</source>
        <translation>Шум</translation>
    </message>
    <message>
        <source>Event time (UTC)</source>
        <translation>Время события (UTC)</translation>
    </message>
    <message>
        <source>Readings</source>
        <translation>Показания</translation>
    </message>
    <message>
        <source>5-minute average</source>
        <translation>Среднее за 5 минут</translation>
    </message>
    <message>
        <source>No sensor selected</source>
        <translation>Датчик не выбран</translation>
    </message>
    <message>
        <source>%1 — %2 (%3)</source>
        <translation>%1 — %2 (%3)</translation>
    </message>
</context>
<context>
    <name>cityops::widgets::MainWindow</name>
    <message>
        <source>CityOps — %1 — %2</source>
        <translation>CityOps — %1 — %2</translation>
    </message>
    <message>
        <source>Embedded simulator</source>
        <translation>Встроенный симулятор</translation>
    </message>
    <message>
        <source>Live chart</source>
        <translation>График в реальном времени</translation>
    </message>
    <message>
        <source>Alerts</source>
        <translation>Тревоги</translation>
    </message>
    <message>
        <source>&amp;File</source>
        <translation>&amp;Файл</translation>
    </message>
    <message>
        <source>&amp;Quit</source>
        <translation>&amp;Выход</translation>
    </message>
    <message>
        <source>&amp;View</source>
        <translation>&amp;Вид</translation>
    </message>
    <message>
        <source>&amp;Fit city</source>
        <translation>&amp;Весь город</translation>
    </message>
    <message>
        <source>&amp;Reset layout</source>
        <translation>&amp;Сбросить раскладку</translation>
    </message>
    <message>
        <source>&amp;Simulation</source>
        <translation>&amp;Симуляция</translation>
    </message>
    <message>
        <source>&amp;Resume</source>
        <translation>&amp;Продолжить</translation>
    </message>
    <message>
        <source>&amp;Pause</source>
        <translation>П&amp;ауза</translation>
    </message>
    <message>
        <source>Speed ×%1</source>
        <translation>Скорость ×%1</translation>
    </message>
</context>
<context>
    <name>cityops::widgets::StatusIndicators</name>
    <message>
        <source>Source: %1</source>
        <translation>Источник: %1</translation>
    </message>
    <message>
        <source>—</source>
        <translation>—</translation>
    </message>
    <message>
        <source>Simulated: %1 UTC</source>
        <translation>Симуляция: %1 UTC</translation>
    </message>
    <message>
        <source>%1 events/s</source>
        <translation>%1 событий/с</translation>
    </message>
    <message>
        <source>Watermark lag: %1 s</source>
        <translation>Отставание watermark: %1 с</translation>
    </message>
    <message>
        <source>Alerts: %1</source>
        <translation>Тревоги: %1</translation>
    </message>
</context>
</TS>
