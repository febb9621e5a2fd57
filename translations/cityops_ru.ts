<?xml version="1.0" encoding="utf-8"?>
<!DOCTYPE TS>
<TS version="2.1" language="ru_RU">
<context>
    <name>cityops::maps::MapLayer</name>
    <message>
        <source>District CO₂ (5-min mean)</source>
        <translation>CO₂ в районе (среднее за 5 мин)</translation>
    </message>
    <message>
        <source>Traffic speed on roads</source>
        <translation>Скорость движения на дорогах</translation>
    </message>
    <message>
        <source>Air-quality heat map</source>
        <translation>Тепловая карта качества воздуха</translation>
    </message>
    <message>
        <source>Sensors</source>
        <translation>Датчики</translation>
    </message>
    <message>
        <source>Alert markers</source>
        <translation>Метки тревог</translation>
    </message>
    <message>
        <source>Fill: mean CO₂ of the last 5-minute window, green ≤ 600, red ≥ 1000 ppm</source>
        <translation>Заливка: средний CO₂ за последнее 5-минутное окно, зелёный ≤ 600, красный ≥ 1000 ppm</translation>
    </message>
    <message>
        <source>Green ≥ 50 km/h, yellow 30 km/h, red ≤ 15 km/h, grey = no data</source>
        <translation>Зелёный ≥ 50 км/ч, жёлтый 30 км/ч, красный ≤ 15 км/ч, серый — нет данных</translation>
    </message>
    <message>
        <source>Glow where CO₂ exceeds 600 ppm, red at 1000 ppm and above</source>
        <translation>Свечение там, где CO₂ выше 600 ppm, красное от 1000 ppm</translation>
    </message>
    <message>
        <source>Dots by latest value; at low zoom, numbered clusters take the worst member&apos;s colour</source>
        <translation>Точки по последнему значению; при мелком масштабе кластеры с числом имеют цвет худшего датчика</translation>
    </message>
    <message>
        <source>Rings: blue info, orange warning, red critical</source>
        <translation>Кольца: синее — информация, оранжевое — предупреждение, красное — критично</translation>
    </message>
</context>
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
    <message>
        <source>Emergency confirmed</source>
        <translation>Чрезвычайная ситуация подтверждена</translation>
    </message>
    <message>
        <source>Energy anomaly</source>
        <translation>Аномалия энергопотребления</translation>
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
    <message>
        <source>Map layers</source>
        <translation>Слои карты</translation>
    </message>
    <message>
        <source>&amp;Settings…</source>
        <translation>&amp;Настройки…</translation>
    </message>
    <message>
        <source>&amp;Alerts</source>
        <translation>&amp;Тревоги</translation>
    </message>
    <message>
        <source>&amp;Theme</source>
        <translation>&amp;Тема</translation>
    </message>
    <message>
        <source>&amp;Dark (control room)</source>
        <translation>&amp;Тёмная (диспетчерская)</translation>
    </message>
    <message>
        <source>&amp;Light</source>
        <translation>&amp;Светлая</translation>
    </message>
    <message>
        <source>Zoom &amp;in</source>
        <translation>&amp;Приблизить</translation>
    </message>
    <message>
        <source>Zoom &amp;out</source>
        <translation>&amp;Отдалить</translation>
    </message>
    <message>
        <source>&amp;Wall mode</source>
        <translation>&amp;Режим видеостены</translation>
    </message>
    <message>
        <source>Leave wall mode</source>
        <translation>Выйти из режима видеостены</translation>
    </message>
    <message>
        <source>&amp;Next alert</source>
        <translation>&amp;Следующая тревога</translation>
    </message>
    <message>
        <source>&amp;Previous alert</source>
        <translation>&amp;Предыдущая тревога</translation>
    </message>
    <message>
        <source>&amp;Centre map on alert</source>
        <translation>&amp;Центрировать карту на тревоге</translation>
    </message>
</context>
<context>
    <name>cityops::widgets::SettingsDialog</name>
    <message>
        <source>Beep when new alerts arrive</source>
        <translation>Звуковой сигнал при новых тревогах</translation>
    </message>
    <message>
        <source>Settings</source>
        <translation>Настройки</translation>
    </message>
    <message>
        <source>Dark (control room)</source>
        <translation>Тёмная (диспетчерская)</translation>
    </message>
    <message>
        <source>Light</source>
        <translation>Светлая</translation>
    </message>
    <message>
        <source>A language change takes effect when the console is restarted.</source>
        <translation>Смена языка вступит в силу после перезапуска консоли.</translation>
    </message>
    <message>
        <source> × real time</source>
        <translation> × реального времени</translation>
    </message>
    <message>
        <source> frames/s</source>
        <translation> кадров/с</translation>
    </message>
    <message>
        <source> s</source>
        <translation> с</translation>
    </message>
    <message>
        <source>&amp;Theme:</source>
        <translation>&amp;Тема:</translation>
    </message>
    <message>
        <source>&amp;Language:</source>
        <translation>&amp;Язык:</translation>
    </message>
    <message>
        <source>Simulation &amp;speed:</source>
        <translation>&amp;Скорость симуляции:</translation>
    </message>
    <message>
        <source>Alert &amp;sound:</source>
        <translation>&amp;Звук тревоги:</translation>
    </message>
    <message>
        <source>&amp;Frame rate:</source>
        <translation>&amp;Частота кадров:</translation>
    </message>
    <message>
        <source>&amp;Wall mode, seconds per view:</source>
        <translation>&amp;Видеостена, секунд на вид:</translation>
    </message>
    <message>
        <source>Map layers</source>
        <translation>Слои карты</translation>
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
    <message>
        <source>Frame p99: —</source>
        <translation>Кадр p99: —</translation>
    </message>
    <message>
        <source>Frame p99: %1 ms</source>
        <translation>Кадр p99: %1 мс</translation>
    </message>
    <message>
        <source>Frame processing + map paint over the last %1 frames: p50 %2 ms, p99 %3 ms, max %4 ms
Event-loop stall over the last %5 heartbeats: p50 %6 ms, p99 %7 ms, max %8 ms</source>
        <translation>Обработка кадра + отрисовка карты за последние %1 кадров: p50 %2 мс, p99 %3 мс, макс. %4 мс
Задержка цикла событий за последние %5 тактов: p50 %6 мс, p99 %7 мс, макс. %8 мс</translation>
    </message>
</context>
</TS>
