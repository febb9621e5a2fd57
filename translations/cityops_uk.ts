<?xml version="1.0" encoding="utf-8"?>
<!DOCTYPE TS>
<TS version="2.1" language="uk_UA">
<context>
    <name>cityops::maps::MapView</name>
    <message>
        <source>CO₂ (ppm)</source>
        <translation>CO₂ (ppm)</translation>
    </message>
    <message>
        <source>no value yet</source>
        <translation>ще немає значення</translation>
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
        <translation>Час</translation>
    </message>
    <message>
        <source>Severity</source>
        <translation>Важливість</translation>
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
        <translation>Значення</translation>
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
        <translation>Інформація</translation>
    </message>
    <message>
        <source>Warning</source>
        <translation>Попередження</translation>
    </message>
    <message>
        <source>Critical</source>
        <translation>Критично</translation>
    </message>
    <message>
        <source>CO₂ high</source>
        <translation>Високий CO₂</translation>
    </message>
</context>
<context>
    <name>cityops::widgets::AlertPanel</name>
    <message>
        <source>Filter alerts (district, sensor, severity...)</source>
        <translation>Фільтр тривог (район, датчик, важливість...)</translation>
    </message>
</context>
<context>
    <name>cityops::widgets::LiveChartPanel</name>
    <message>
        <source>Traffic speed</source>
        <translation>Швидкість руху</translation>
    </message>
    <message>
        <source>Vehicle count</source>
        <translation>Кількість авто</translation>
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
        <translation>Вологість</translation>
    </message>
    <message>
        <source>Parking occupancy</source>
        <translation>Зайнятість парковки</translation>
    </message>
    <message>
        <source>Emergency severity</source>
        <translation>Рівень надзвичайної ситуації</translation>
    </message>
    <message>
        <source>Energy</source>
        <translation>Енергія</translation>
    </message>
    <message>
        <source>Noise</source>
        <translation>Шум</translation>
    </message>
    <message>
        <source>Event time (UTC)</source>
        <translation>Час події (UTC)</translation>
    </message>
    <message>
        <source>Readings</source>
        <translation>Показники</translation>
    </message>
    <message>
        <source>5-minute average</source>
        <translation>Середнє за 5 хвилин</translation>
    </message>
    <message>
        <source>No sensor selected</source>
        <translation>Датчик не вибрано</translation>
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
        <translation>Вбудований симулятор</translation>
    </message>
    <message>
        <source>Live chart</source>
        <translation>Графік наживо</translation>
    </message>
    <message>
        <source>Alerts</source>
        <translation>Тривоги</translation>
    </message>
    <message>
        <source>&amp;File</source>
        <translation>&amp;Файл</translation>
    </message>
    <message>
        <source>&amp;Quit</source>
        <translation>&amp;Вийти</translation>
    </message>
    <message>
        <source>&amp;View</source>
        <translation>&amp;Вигляд</translation>
    </message>
    <message>
        <source>&amp;Fit city</source>
        <translation>&amp;Усе місто</translation>
    </message>
    <message>
        <source>&amp;Reset layout</source>
        <translation>&amp;Скинути розкладку</translation>
    </message>
    <message>
        <source>&amp;Simulation</source>
        <translation>&amp;Симуляція</translation>
    </message>
    <message>
        <source>&amp;Resume</source>
        <translation>&amp;Продовжити</translation>
    </message>
    <message>
        <source>&amp;Pause</source>
        <translation>П&amp;ауза</translation>
    </message>
    <message>
        <source>Speed ×%1</source>
        <translation>Швидкість ×%1</translation>
    </message>
</context>
<context>
    <name>cityops::widgets::StatusIndicators</name>
    <message>
        <source>Source: %1</source>
        <translation>Джерело: %1</translation>
    </message>
    <message>
        <source>—</source>
        <translation>—</translation>
    </message>
    <message>
        <source>Simulated: %1 UTC</source>
        <translation>Симуляція: %1 UTC</translation>
    </message>
    <message>
        <source>%1 events/s</source>
        <translation>%1 подій/с</translation>
    </message>
    <message>
        <source>Watermark lag: %1 s</source>
        <translation>Відставання watermark: %1 с</translation>
    </message>
    <message>
        <source>Alerts: %1</source>
        <translation>Тривоги: %1</translation>
    </message>
</context>
</TS>
