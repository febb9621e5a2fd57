<?xml version="1.0" encoding="utf-8"?>
<!DOCTYPE TS>
<TS version="2.1" language="uk_UA">
<context>
    <name>PdfReport</name>
    <message>
        <source>(first %1 of %2 columns)</source>
        <translation>(перші %1 з %2 стовпців)</translation>
    </message>
    <message>
        <source>directory &apos;%1&apos; does not exist</source>
        <translation>каталог «%1» не існує</translation>
    </message>
    <message>
        <source>cannot write &apos;%1&apos;: %2</source>
        <translation>не вдалося записати «%1»: %2</translation>
    </message>
    <message>
        <source>Retail sales report</source>
        <translation>Звіт про роздрібні продажі</translation>
    </message>
    <message>
        <source>cannot write &apos;%1&apos;: the PDF writer could not start</source>
        <translation>не вдалося записати «%1»: модуль запису PDF не запустився</translation>
    </message>
    <message>
        <source>Source: %1</source>
        <translation>Джерело: %1</translation>
    </message>
    <message>
        <source>Generated %1</source>
        <translation>Сформовано %1</translation>
    </message>
    <message>
        <source>%1 rows loaded, %2 rows with rejected values, %3 rows dropped in 2.4, %4 rows in the cleaned data.</source>
        <translation>Завантажено рядків: %1, рядків із відхиленими значеннями: %2, відкинуто на кроці 2.4: %3, рядків в очищених даних: %4.</translation>
    </message>
    <message>
        <source>Rows before: %1, rows after: %2, rows fixed: %3</source>
        <translation>Рядків до: %1, рядків після: %2, виправлено рядків: %3</translation>
    </message>
    <message>
        <source>Rejected values (first 20)</source>
        <translation>Відхилені значення (перші 20)</translation>
    </message>
    <message>
        <source>cannot write &apos;%1&apos;: the PDF could not be completed</source>
        <translation>не вдалося записати «%1»: формування PDF не завершено</translation>
    </message>
</context>
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
    <name>cityops::widgets::AlertDispatch</name>
    <message>
        <source>Dispatch outbox unavailable: %1</source>
        <translation>Черга направлення тривог недоступна: %1</translation>
    </message>
    <message>
        <source>Dispatch: no webhook configured, dispatched alerts wait in the outbox</source>
        <translation>Направлення: webhook не налаштовано, направлені тривоги чекають у черзі відправлення</translation>
    </message>
    <message numerus="yes">
        <source>Dispatch: %n service(s) configured</source>
        <translation>
            <numerusform>Направлення: налаштовано %n службу</numerusform>
            <numerusform>Направлення: налаштовано %n служби</numerusform>
            <numerusform>Направлення: налаштовано %n служб</numerusform>
        </translation>
    </message>
    <message>
        <source>Dispatch error: %1</source>
        <translation>Помилка направлення: %1</translation>
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
    <message>
        <source>%1 (escalated)</source>
        <translation>%1 (ескальована)</translation>
    </message>
    <message>
        <source>State</source>
        <translation>Стан</translation>
    </message>
    <message>
        <source>Service</source>
        <translation>Служба</translation>
    </message>
    <message>
        <source>New</source>
        <translation>Нова</translation>
    </message>
    <message>
        <source>Acknowledged</source>
        <translation>Підтверджена</translation>
    </message>
    <message>
        <source>Assigned</source>
        <translation>Призначена</translation>
    </message>
    <message>
        <source>Dispatched</source>
        <translation>Направлена</translation>
    </message>
    <message>
        <source>Resolved</source>
        <translation>Закрита</translation>
    </message>
    <message>
        <source>Traffic jam</source>
        <translation>Затор</translation>
    </message>
    <message>
        <source>Heat stress</source>
        <translation>Тепловий стрес</translation>
    </message>
    <message>
        <source>Energy outage</source>
        <translation>Відключення електроенергії</translation>
    </message>
    <message>
        <source>Sensor silent</source>
        <translation>Датчик не передає дані</translation>
    </message>
</context>
<context>
    <name>cityops::widgets::AlertPanel</name>
    <message>
        <source>Search alerts (district, sensor, service...)</source>
        <translation>Пошук тривог (район, датчик, служба...)</translation>
    </message>
    <message>
        <source>Open</source>
        <translation>Відкриті</translation>
    </message>
    <message>
        <source>All states</source>
        <translation>Усі стани</translation>
    </message>
    <message>
        <source>All severities</source>
        <translation>Усі рівні важливості</translation>
    </message>
    <message>
        <source>Warning and worse</source>
        <translation>Попередження й вище</translation>
    </message>
    <message>
        <source>Critical only</source>
        <translation>Лише критичні</translation>
    </message>
    <message>
        <source>Mute</source>
        <translation>Без звуку</translation>
    </message>
    <message>
        <source>Silence the beep and flash for new critical alerts</source>
        <translation>Вимкнути звуковий сигнал і мигання для нових критичних тривог</translation>
    </message>
    <message>
        <source>&amp;Acknowledge</source>
        <translation>&amp;Підтвердити</translation>
    </message>
    <message>
        <source>A&amp;ssign</source>
        <translation>Пр&amp;изначити</translation>
    </message>
    <message>
        <source>&amp;Dispatch</source>
        <translation>&amp;Направити</translation>
    </message>
    <message>
        <source>&amp;Resolve…</source>
        <translation>&amp;Закрити…</translation>
    </message>
    <message>
        <source>&amp;Note…</source>
        <translation>&amp;Коментар…</translation>
    </message>
    <message>
        <source>Note on alert %1</source>
        <translation>Коментар до тривоги %1</translation>
    </message>
    <message>
        <source>Note:</source>
        <translation>Коментар:</translation>
    </message>
    <message>
        <source>Select an alert first.</source>
        <translation>Спочатку виберіть тривогу.</translation>
    </message>
    <message>
        <source>Not resolved: no disposition was chosen.</source>
        <translation>Не закрито: не вибрано результат обробки.</translation>
    </message>
    <message>
        <source>Alert %1: %2</source>
        <translation>Тривога %1: %2</translation>
    </message>
    <message>
        <source>Service: %1</source>
        <translation>Служба: %1</translation>
    </message>
    <message>
        <source>Disposition: %1</source>
        <translation>Результат обробки: %1</translation>
    </message>
    <message>
        <source>Notes: %1</source>
        <translation>Коментарі: %1</translation>
    </message>
</context>
<context>
    <name>cityops::widgets::AlertResolveDialog</name>
    <message>
        <source>Resolve alert %1</source>
        <translation>Закрити тривогу %1</translation>
    </message>
    <message>
        <source>Choose a disposition…</source>
        <translation>Виберіть результат обробки…</translation>
    </message>
    <message>
        <source>What was done (optional)</source>
        <translation>Що було зроблено (необов’язково)</translation>
    </message>
    <message>
        <source>Disposition:</source>
        <translation>Результат обробки:</translation>
    </message>
    <message>
        <source>Note:</source>
        <translation>Коментар:</translation>
    </message>
    <message>
        <source>Resolve</source>
        <translation>Закрити</translation>
    </message>
</context>
<context>
    <name>cityops::widgets::AlertWorkflow</name>
    <message>
        <source>Police</source>
        <translation>Поліція</translation>
    </message>
    <message>
        <source>Fire Department</source>
        <translation>Пожежна служба</translation>
    </message>
    <message>
        <source>Traffic Control</source>
        <translation>Управління дорожнім рухом</translation>
    </message>
    <message>
        <source>Energy Company</source>
        <translation>Енергетична компанія</translation>
    </message>
    <message>
        <source>Handled</source>
        <translation>Опрацьовано</translation>
    </message>
    <message>
        <source>False alarm</source>
        <translation>Хибна тривога</translation>
    </message>
    <message>
        <source>Duplicate</source>
        <translation>Дублікат</translation>
    </message>
    <message>
        <source>Referred</source>
        <translation>Передано за належністю</translation>
    </message>
    <message>
        <source>No action needed</source>
        <translation>Дії не потрібні</translation>
    </message>
    <message>
        <source>Unknown service &quot;%1&quot;: choose one of %2.</source>
        <translation>Невідома служба «%1»: виберіть одну з таких: %2.</translation>
    </message>
    <message>
        <source>A disposition is required to resolve an alert.</source>
        <translation>Щоб закрити тривогу, потрібно вказати результат обробки.</translation>
    </message>
    <message>
        <source>Unknown disposition &quot;%1&quot;: choose one of %2.</source>
        <translation>Невідомий результат обробки «%1»: виберіть один із таких: %2.</translation>
    </message>
    <message>
        <source>Alert %1 is not in the queue.</source>
        <translation>Тривоги %1 немає в черзі.</translation>
    </message>
    <message>
        <source>The note is empty.</source>
        <translation>Коментар порожній.</translation>
    </message>
    <message>
        <source>Alert %1 is already %2.</source>
        <translation>Тривога %1 уже в стані «%2».</translation>
    </message>
    <message>
        <source>it is closed</source>
        <translation>її закрито</translation>
    </message>
    <message>
        <source>acknowledge it first</source>
        <translation>спочатку підтвердьте її</translation>
    </message>
    <message>
        <source>assign it to a service first</source>
        <translation>спочатку призначте її службі</translation>
    </message>
    <message>
        <source>dispatch or resolve it</source>
        <translation>направте або закрийте її</translation>
    </message>
    <message>
        <source>Alert %1 is %2 and cannot become %3: %4.</source>
        <translation>Тривога %1 у стані «%2» і не може перейти в стан «%3»: %4.</translation>
    </message>
    <message>
        <source>Alert %1 could not be stored: %2</source>
        <translation>Не вдалося зберегти тривогу %1: %2</translation>
    </message>
    <message>
        <source>Alert %1 was not changed: %2</source>
        <translation>Тривогу %1 не змінено: %2</translation>
    </message>
    <message>
        <source>The audit log could not record &quot;%1&quot;: %2</source>
        <translation>Не вдалося записати «%1» до журналу аудиту: %2</translation>
    </message>
</context>
<context>
    <name>cityops::widgets::CrashReportDialog</name>
    <message>
        <source>Don&apos;t ask again about crash reports</source>
        <translation>Більше не питати про звіти про збої</translation>
    </message>
    <message>
        <source>Copy path</source>
        <translation>Копіювати шлях</translation>
    </message>
    <message>
        <source>Delete report</source>
        <translation>Видалити звіт</translation>
    </message>
    <message>
        <source>CityOps crashed last time</source>
        <translation>Минулого разу CityOps аварійно завершив роботу</translation>
    </message>
    <message>
        <source>The previous run of CityOps ended with a crash. A report with the stack trace, the version and the last log lines was saved to:
%1
Nothing was sent anywhere; attach the file to a bug report if you like.</source>
        <translation>Попередній запуск CityOps завершився збоєм. Звіт зі стеком викликів, версією та останніми рядками журналу збережено в:
%1
Нічого нікуди не надіслано; за бажання долучіть файл до звіту про помилку.</translation>
    </message>
    <message>
        <source>The report cannot be read: %1</source>
        <translation>Не вдалося прочитати звіт: %1</translation>
    </message>
    <message>
        <source>
The report could not be deleted.</source>
        <translation>
Не вдалося видалити звіт.</translation>
    </message>
</context>
<context>
    <name>cityops::widgets::DemoDirector</name>
    <message>
        <source>Cannot open the demo&apos;s audit log in %1: %2</source>
        <translation>Не вдалося відкрити журнал аудиту демонстрації в %1: %2</translation>
    </message>
    <message>
        <source>Demo scenario &quot;%1&quot;: %2</source>
        <translation>Демонстраційний сценарій «%1»: %2</translation>
    </message>
    <message>
        <source>Quit the demo</source>
        <translation>Вийти з демонстрації</translation>
    </message>
    <message>
        <source>DEMO · %1 · %2/%3 · Esc to quit</source>
        <translation>ДЕМО · %1 · %2/%3 · Esc — вихід</translation>
    </message>
    <message>
        <source>Seen on the wall (demo)</source>
        <translation>Побачено на відеостіні (демо)</translation>
    </message>
    <message>
        <source>Closed by the demo</source>
        <translation>Закрито в демонстраційному режимі</translation>
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
    <message>
        <source>O₃</source>
        <translation>O₃</translation>
    </message>
    <message>
        <source>NO₂</source>
        <translation>NO₂</translation>
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
    <message>
        <source>Embedded simulator, data in %1</source>
        <translation>Вбудований симулятор, дані в %1</translation>
    </message>
    <message>
        <source>Alert actions are not stored: %1</source>
        <translation>Дії з тривогами не зберігаються: %1</translation>
    </message>
    <message>
        <source>Operator actions are not audited: %1</source>
        <translation>Дії оператора не записуються до журналу аудиту: %1</translation>
    </message>
    <message>
        <source>Open retail &amp;workspace…</source>
        <translation>Відкрити &amp;робочий простір роздрібних продажів…</translation>
    </message>
    <message>
        <source>Simulation</source>
        <translation>Симуляція</translation>
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
    <message>
        <source>Alert service</source>
        <translation>Обробка тривог</translation>
    </message>
    <message>
        <source> min</source>
        <translation> хв</translation>
    </message>
    <message>
        <source>never</source>
        <translation>ніколи</translation>
    </message>
    <message>
        <source>&amp;Escalate unacknowledged critical alerts after:</source>
        <translation>&amp;Ескалювати непідтверджені критичні тривоги через:</translation>
    </message>
    <message>
        <source>http://host:port/path (empty: not dispatched)</source>
        <translation>http://host:port/path (порожньо — не направляти)</translation>
    </message>
    <message>
        <source>%1 webhook:</source>
        <translation>%1 — webhook:</translation>
    </message>
    <message>
        <source>%1 webhook: %2</source>
        <translation>%1 — webhook: %2</translation>
    </message>
</context>
<context>
    <name>cityops::widgets::SimulationPanel</name>
    <message>
        <source>Click inside a district to place this incident.</source>
        <translation>Клацніть усередині району, щоб розмістити цей інцидент.</translation>
    </message>
    <message>
        <source>The city has no sensors.</source>
        <translation>У місті немає датчиків.</translation>
    </message>
    <message>
        <source>Fire</source>
        <translation>Пожежа</translation>
    </message>
    <message>
        <source>Gas leak</source>
        <translation>Витік газу</translation>
    </message>
    <message>
        <source>Accident</source>
        <translation>ДТП</translation>
    </message>
    <message>
        <source>CO₂ episode</source>
        <translation>Епізод підвищеного CO₂</translation>
    </message>
    <message>
        <source>Heat wave</source>
        <translation>Хвиля спеки</translation>
    </message>
    <message>
        <source>Substation failure</source>
        <translation>Аварія підстанції</translation>
    </message>
    <message>
        <source>Gateway outage</source>
        <translation>Збій шлюзу</translation>
    </message>
    <message>
        <source>Sensor failure</source>
        <translation>Відмова датчика</translation>
    </message>
    <message>
        <source>Run</source>
        <translation>Запуск</translation>
    </message>
    <message>
        <source>Scenario:</source>
        <translation>Сценарій:</translation>
    </message>
    <message>
        <source>Simulated time:</source>
        <translation>Час симуляції:</translation>
    </message>
    <message>
        <source>Step +1 min</source>
        <translation>Крок +1 хв</translation>
    </message>
    <message>
        <source>Advance the simulation by one minute, also while paused</source>
        <translation>Просунути симуляцію на одну хвилину, навіть на паузі</translation>
    </message>
    <message>
        <source>×%1</source>
        <translation>×%1</translation>
    </message>
    <message>
        <source>Jump</source>
        <translation>Перейти</translation>
    </message>
    <message>
        <source>Move the simulated clock to this time (UTC), forward or backward</source>
        <translation>Перевести годинник симуляції на цей час (UTC), уперед або назад</translation>
    </message>
    <message>
        <source>Jump to:</source>
        <translation>Перейти до:</translation>
    </message>
    <message>
        <source>Inject incident</source>
        <translation>Додати інцидент</translation>
    </message>
    <message>
        <source>Place on map</source>
        <translation>Розмістити на карті</translation>
    </message>
    <message>
        <source>Then click the map where the incident happens</source>
        <translation>Потім клацніть на карті в місці інциденту</translation>
    </message>
    <message>
        <source>Training score</source>
        <translation>Оцінка тренування</translation>
    </message>
    <message>
        <source>Stepping one simulated minute.</source>
        <translation>Крок на одну хвилину симуляції.</translation>
    </message>
    <message>
        <source>Cannot jump before the scenario start (%1 UTC).</source>
        <translation>Не можна перейти на час до початку сценарію (%1 UTC).</translation>
    </message>
    <message>
        <source>Jumping to %1 UTC.</source>
        <translation>Перехід до %1 UTC.</translation>
    </message>
    <message>
        <source>Click the map to place: %1.</source>
        <translation>Клацніть на карті, щоб розмістити: %1.</translation>
    </message>
    <message>
        <source>Cannot inject: %1</source>
        <translation>Не вдалося додати інцидент: %1</translation>
    </message>
    <message>
        <source>%1 injected at %2, %3 (simulated %4 UTC).</source>
        <translation>%1: додано в точці %2, %3 (час симуляції %4 UTC).</translation>
    </message>
    <message>
        <source>%1 UTC · ×%2%3</source>
        <translation>%1 UTC · ×%2%3</translation>
    </message>
    <message>
        <source> · paused</source>
        <translation> · пауза</translation>
    </message>
    <message>
        <source>Pause</source>
        <translation>Пауза</translation>
    </message>
    <message>
        <source>Alerts raised: %1 of %2 expected (%3 not raised yet, %4 without an engine rule)</source>
        <translation>Спрацювало тривог: %1 з %2 очікуваних (ще не спрацювало: %3, без правила рушія: %4)</translation>
    </message>
    <message>
        <source>False alerts: %1 · acknowledged: %2</source>
        <translation>Хибні тривоги: %1 · підтверджено: %2</translation>
    </message>
    <message>
        <source>Mean time to alert: %1 min</source>
        <translation>Середній час до тривоги: %1 хв</translation>
    </message>
    <message>
        <source>Incidents: %1 (%2 injected here)</source>
        <translation>Інциденти: %1 (додано тут: %2)</translation>
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
    <message>
        <source>Checkpoint: off</source>
        <translation>Контрольна точка: вимкнено</translation>
    </message>
    <message>
        <source>No data directory: results are not stored and no checkpoints are taken</source>
        <translation>Немає каталогу даних: результати не зберігаються, контрольні точки не створюються</translation>
    </message>
    <message>
        <source>Checkpoint: —</source>
        <translation>Контрольна точка: —</translation>
    </message>
    <message>
        <source>Checkpoint: %1 s ago</source>
        <translation>Контрольна точка: %1 с тому</translation>
    </message>
    <message>
        <source>Checkpoint %1: %2 ms, %3 bytes of state, %4 rows</source>
        <translation>Контрольна точка %1: %2 мс, стан: %3 байт, рядків: %4</translation>
    </message>
    <message>
        <source>Late: %1 · Dead letters: %2</source>
        <translation>Запізнілі: %1 · Недоставлені: %2</translation>
    </message>
</context>
<context>
    <name>cityops::widgets::workspace::ChartsPanel</name>
    <message>
        <source>3.1 Top 5 categories by units sold</source>
        <translation>3.1 Топ-5 категорій за кількістю проданих одиниць</translation>
    </message>
    <message>
        <source>Units</source>
        <translation>Кількість, од.</translation>
    </message>
    <message>
        <source>3.2 Average total spent by payment method</source>
        <translation>3.2 Середня сума покупки за способом оплати</translation>
    </message>
    <message>
        <source>Average total spent</source>
        <translation>Середня сума покупки</translation>
    </message>
    <message>
        <source>3.2 Average total spent by location</source>
        <translation>3.2 Середня сума покупки за місцем покупки</translation>
    </message>
    <message>
        <source>4.1 Transactions by day of week</source>
        <translation>4.1 Транзакції за днями тижня</translation>
    </message>
    <message>
        <source>Transactions</source>
        <translation>Транзакції</translation>
    </message>
    <message>
        <source>4.1 Transactions by month</source>
        <translation>4.1 Транзакції за місяцями</translation>
    </message>
</context>
<context>
    <name>cityops::widgets::workspace::PreviewPanel</name>
    <message>
        <source>Loaded CSV</source>
        <translation>Завантажений CSV</translation>
    </message>
    <message>
        <source>Cleaned data with time features</source>
        <translation>Очищені дані з часовими ознаками</translation>
    </message>
    <message>
        <source>Rejected values</source>
        <translation>Відхилені значення</translation>
    </message>
    <message>
        <source>Item catalogue</source>
        <translation>Каталог товарів</translation>
    </message>
    <message>
        <source>Table:</source>
        <translation>Таблиця:</translation>
    </message>
    <message>
        <source>%1 rows × %2 columns</source>
        <translation>Рядків: %1, стовпців: %2</translation>
    </message>
</context>
<context>
    <name>cityops::widgets::workspace::SchemaPanel</name>
    <message>
        <source>File: %1</source>
        <translation>Файл: %1</translation>
    </message>
    <message>
        <source>%1 records read, %2 rows loaded, %3 rows with rejected values, delimiter &apos;%4&apos;, header %5</source>
        <translation>Прочитано записів: %1, завантажено рядків: %2, рядків із відхиленими значеннями: %3, роздільник &apos;%4&apos;, заголовок: %5</translation>
    </message>
    <message>
        <source>yes</source>
        <translation>так</translation>
    </message>
    <message>
        <source>no</source>
        <translation>ні</translation>
    </message>
    <message>
        <source>Note: %1</source>
        <translation>Примітка: %1</translation>
    </message>
    <message>
        <source>As loaded (1.1):</source>
        <translation>Як завантажено (1.1):</translation>
    </message>
    <message>
        <source>Typed (1.2-1.3):</source>
        <translation>З типами (1.2-1.3):</translation>
    </message>
    <message>
        <source>Final, with time features (4.1):</source>
        <translation>Остаточна, з часовими ознаками (4.1):</translation>
    </message>
</context>
<context>
    <name>cityops::widgets::workspace::StepModel</name>
    <message>
        <source>Step</source>
        <translation>Крок</translation>
    </message>
    <message>
        <source>Title</source>
        <translation>Назва</translation>
    </message>
    <message>
        <source>Rows before</source>
        <translation>Рядків до</translation>
    </message>
    <message>
        <source>Rows after</source>
        <translation>Рядків після</translation>
    </message>
    <message>
        <source>Fixed</source>
        <translation>Виправлено</translation>
    </message>
    <message>
        <source>Summary</source>
        <translation>Підсумок</translation>
    </message>
</context>
<context>
    <name>cityops::widgets::workspace::TableModel</name>
    <message numerus="yes">
        <source>%1: %2, %n null(s)</source>
        <translation>
            <numerusform>%1: %2, %n порожнє значення</numerusform>
            <numerusform>%1: %2, %n порожні значення</numerusform>
            <numerusform>%1: %2, %n порожніх значень</numerusform>
        </translation>
    </message>
</context>
<context>
    <name>cityops::widgets::workspace::WorkspaceLoader</name>
    <message>
        <source>the file could not be loaded</source>
        <translation>не вдалося завантажити файл</translation>
    </message>
</context>
<context>
    <name>cityops::widgets::workspace::WorkspaceWindow</name>
    <message>
        <source>Cancel</source>
        <translation>Скасувати</translation>
    </message>
    <message>
        <source>Retail workspace</source>
        <translation>Робочий простір роздрібних продажів</translation>
    </message>
    <message>
        <source>Preview</source>
        <translation>Перегляд</translation>
    </message>
    <message>
        <source>Schema</source>
        <translation>Схема</translation>
    </message>
    <message>
        <source>Steps</source>
        <translation>Кроки</translation>
    </message>
    <message>
        <source>Charts</source>
        <translation>Діаграми</translation>
    </message>
    <message>
        <source>Could not open %1: %2. The data shown before is kept.</source>
        <translation>Не вдалося відкрити %1: %2. Попередні дані збережено.</translation>
    </message>
    <message>
        <source>Loading %1 was cancelled. The data shown before is kept.</source>
        <translation>Завантаження %1 скасовано. Попередні дані збережено.</translation>
    </message>
    <message>
        <source>&amp;File</source>
        <translation>&amp;Файл</translation>
    </message>
    <message>
        <source>Workspace</source>
        <translation>Робочий простір</translation>
    </message>
    <message>
        <source>&amp;Open CSV…</source>
        <translation>&amp;Відкрити CSV…</translation>
    </message>
    <message>
        <source>Export cleaned &amp;data (CSV)…</source>
        <translation>Експортувати очищені &amp;дані (CSV)…</translation>
    </message>
    <message>
        <source>Export cleaned data</source>
        <translation>Експорт очищених даних</translation>
    </message>
    <message>
        <source>CSV files (*.csv)</source>
        <translation>Файли CSV (*.csv)</translation>
    </message>
    <message>
        <source>Export report as &amp;PDF…</source>
        <translation>Експортувати звіт у &amp;PDF…</translation>
    </message>
    <message>
        <source>Export report as PDF</source>
        <translation>Експорт звіту в PDF</translation>
    </message>
    <message>
        <source>PDF files (*.pdf)</source>
        <translation>Файли PDF (*.pdf)</translation>
    </message>
    <message>
        <source>Export report as &amp;XLSX…</source>
        <translation>Експортувати звіт у &amp;XLSX…</translation>
    </message>
    <message>
        <source>Export report as XLSX</source>
        <translation>Експорт звіту в XLSX</translation>
    </message>
    <message>
        <source>Excel workbooks (*.xlsx)</source>
        <translation>Книги Excel (*.xlsx)</translation>
    </message>
    <message>
        <source>Export report as &amp;HTML…</source>
        <translation>Експортувати звіт у &amp;HTML…</translation>
    </message>
    <message>
        <source>Export report as HTML</source>
        <translation>Експорт звіту в HTML</translation>
    </message>
    <message>
        <source>HTML pages (*.html)</source>
        <translation>Сторінки HTML (*.html)</translation>
    </message>
    <message>
        <source>&amp;Close</source>
        <translation>&amp;Закрити</translation>
    </message>
    <message>
        <source>Loading %1…</source>
        <translation>Завантаження %1…</translation>
    </message>
    <message>
        <source>Cancelling…</source>
        <translation>Скасування…</translation>
    </message>
    <message>
        <source>%1: %2 rows loaded in %3 s, workflow %4 s, %5 rows after cleaning</source>
        <translation>%1: завантажено рядків: %2 за %3 с, обробка — %4 с, рядків після очищення: %5</translation>
    </message>
    <message>
        <source>%1 rows had values that could not be read; they are listed under Preview → Rejected values.</source>
        <translation>Рядків зі значеннями, які не вдалося прочитати: %1; їх наведено в розділі «Перегляд → Відхилені значення».</translation>
    </message>
    <message>
        <source>Open a retail sales CSV to start.</source>
        <translation>Щоб почати, відкрийте CSV-файл роздрібних продажів.</translation>
    </message>
    <message>
        <source>Error — see the message above</source>
        <translation>Помилка — див. повідомлення вище</translation>
    </message>
    <message>
        <source>Nothing to export yet: open a CSV first.</source>
        <translation>Поки що нічого експортувати: спочатку відкрийте CSV.</translation>
    </message>
    <message>
        <source>Export failed: %1. The data in the workspace is unchanged.</source>
        <translation>Помилка експорту: %1. Дані в робочому просторі не змінено.</translation>
    </message>
    <message>
        <source>Wrote %1</source>
        <translation>Записано: %1</translation>
    </message>
    <message>
        <source>Open retail sales CSV</source>
        <translation>Відкрити CSV роздрібних продажів</translation>
    </message>
    <message>
        <source>CSV files (*.csv);;All files (*)</source>
        <translation>Файли CSV (*.csv);;Усі файли (*)</translation>
    </message>
</context>
</TS>
