<?xml version="1.0" encoding="utf-8"?>
<!DOCTYPE TS>
<TS version="2.1" language="uk_UA">
<context>
    <name>cityops::maps::MapLayer</name>
    <message>
        <source>District CO₂ (5-min mean)</source>
        <translation>CO₂ у районі (середнє за 5 хв)</translation>
    </message>
    <message>
        <source>Traffic speed on roads</source>
        <translation>Швидкість руху на дорогах</translation>
    </message>
    <message>
        <source>Air-quality heat map</source>
        <translation>Теплова карта якості повітря</translation>
    </message>
    <message>
        <source>Sensors</source>
        <translation>Датчики</translation>
    </message>
    <message>
        <source>Alert markers</source>
        <translation>Позначки тривог</translation>
    </message>
    <message>
        <source>Fill: mean CO₂ of the last 5-minute window, green ≤ 600, red ≥ 1000 ppm</source>
        <translation>Заливка: середній CO₂ за останнє 5-хвилинне вікно, зелений ≤ 600, червоний ≥ 1000 ppm</translation>
    </message>
    <message>
        <source>Green ≥ 50 km/h, yellow 30 km/h, red ≤ 15 km/h, grey = no data</source>
        <translation>Зелений ≥ 50 км/год, жовтий 30 км/год, червоний ≤ 15 км/год, сірий — немає даних</translation>
    </message>
    <message>
        <source>Glow where CO₂ exceeds 600 ppm, red at 1000 ppm and above</source>
        <translation>Світіння там, де CO₂ понад 600 ppm, червоне від 1000 ppm</translation>
    </message>
    <message>
        <source>Dots by latest value; at low zoom, numbered clusters take the worst member&apos;s colour</source>
        <translation>Точки за останнім значенням; при малому масштабі кластери з числом мають колір найгіршого датчика</translation>
    </message>
    <message>
        <source>Rings: blue info, orange warning, red critical</source>
        <translation>Кільця: синє — інформація, помаранчеве — попередження, червоне — критично</translation>
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
    <message>
        <source>Emergency confirmed</source>
        <translation>Надзвичайну ситуацію підтверджено</translation>
    </message>
    <message>
        <source>Energy anomaly</source>
        <translation>Аномалія енергоспоживання</translation>
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
    <message>
        <source>Map layers</source>
        <translation>Шари карти</translation>
    </message>
    <message>
        <source>&amp;Settings…</source>
        <translation>&amp;Налаштування…</translation>
    </message>
    <message>
        <source>&amp;Alerts</source>
        <translation>&amp;Тривоги</translation>
    </message>
    <message>
        <source>&amp;Theme</source>
        <translation>&amp;Тема</translation>
    </message>
    <message>
        <source>&amp;Dark (control room)</source>
        <translation>&amp;Темна (диспетчерська)</translation>
    </message>
    <message>
        <source>&amp;Light</source>
        <translation>&amp;Світла</translation>
    </message>
    <message>
        <source>Zoom &amp;in</source>
        <translation>&amp;Збільшити</translation>
    </message>
    <message>
        <source>Zoom &amp;out</source>
        <translation>&amp;Зменшити</translation>
    </message>
    <message>
        <source>&amp;Wall mode</source>
        <translation>&amp;Режим відеостіни</translation>
    </message>
    <message>
        <source>Leave wall mode</source>
        <translation>Вийти з режиму відеостіни</translation>
    </message>
    <message>
        <source>&amp;Next alert</source>
        <translation>&amp;Наступна тривога</translation>
    </message>
    <message>
        <source>&amp;Previous alert</source>
        <translation>&amp;Попередня тривога</translation>
    </message>
    <message>
        <source>&amp;Centre map on alert</source>
        <translation>&amp;Центрувати карту на тривозі</translation>
    </message>
</context>
<context>
    <name>cityops::widgets::SettingsDialog</name>
    <message>
        <source>Beep when new alerts arrive</source>
        <translation>Звуковий сигнал при нових тривогах</translation>
    </message>
    <message>
        <source>Settings</source>
        <translation>Налаштування</translation>
    </message>
    <message>
        <source>Dark (control room)</source>
        <translation>Темна (диспетчерська)</translation>
    </message>
    <message>
        <source>Light</source>
        <translation>Світла</translation>
    </message>
    <message>
        <source>A language change takes effect when the console is restarted.</source>
        <translation>Зміна мови набуде чинності після перезапуску консолі.</translation>
    </message>
    <message>
        <source> × real time</source>
        <translation> × реального часу</translation>
    </message>
    <message>
        <source> frames/s</source>
        <translation> кадрів/с</translation>
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
        <translation>&amp;Мова:</translation>
    </message>
    <message>
        <source>Simulation &amp;speed:</source>
        <translation>&amp;Швидкість симуляції:</translation>
    </message>
    <message>
        <source>Alert &amp;sound:</source>
        <translation>&amp;Звук тривоги:</translation>
    </message>
    <message>
        <source>&amp;Frame rate:</source>
        <translation>&amp;Частота кадрів:</translation>
    </message>
    <message>
        <source>&amp;Wall mode, seconds per view:</source>
        <translation>&amp;Відеостіна, секунд на вигляд:</translation>
    </message>
    <message>
        <source>Map layers</source>
        <translation>Шари карти</translation>
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
        <translation>Обробка кадру + малювання карти за останні %1 кадрів: p50 %2 мс, p99 %3 мс, макс. %4 мс
Затримка циклу подій за останні %5 тактів: p50 %6 мс, p99 %7 мс, макс. %8 мс</translation>
    </message>
</context>
</TS>
