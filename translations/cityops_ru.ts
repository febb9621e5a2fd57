<?xml version="1.0" encoding="utf-8"?>
<!DOCTYPE TS>
<TS version="2.1" language="ru_RU">
<context>
    <name>PdfReport</name>
    <message>
        <source>(first %1 of %2 columns)</source>
        <translation>(первые %1 из %2 столбцов)</translation>
    </message>
    <message>
        <source>directory &apos;%1&apos; does not exist</source>
        <translation>каталог «%1» не существует</translation>
    </message>
    <message>
        <source>cannot write &apos;%1&apos;: %2</source>
        <translation>не удалось записать «%1»: %2</translation>
    </message>
    <message>
        <source>Retail sales report</source>
        <translation>Отчёт о розничных продажах</translation>
    </message>
    <message>
        <source>cannot write &apos;%1&apos;: the PDF writer could not start</source>
        <translation>не удалось записать «%1»: модуль записи PDF не запустился</translation>
    </message>
    <message>
        <source>Source: %1</source>
        <translation>Источник: %1</translation>
    </message>
    <message>
        <source>Generated %1</source>
        <translation>Сформирован %1</translation>
    </message>
    <message>
        <source>%1 rows loaded, %2 rows with rejected values, %3 rows dropped in 2.4, %4 rows in the cleaned data.</source>
        <translation>Загружено строк: %1, строк с отклонёнными значениями: %2, отброшено на шаге 2.4: %3, строк в очищенных данных: %4.</translation>
    </message>
    <message>
        <source>Rows before: %1, rows after: %2, rows fixed: %3</source>
        <translation>Строк до: %1, строк после: %2, исправлено строк: %3</translation>
    </message>
    <message>
        <source>Rejected values (first 20)</source>
        <translation>Отклонённые значения (первые 20)</translation>
    </message>
    <message>
        <source>cannot write &apos;%1&apos;: the PDF could not be completed</source>
        <translation>не удалось записать «%1»: формирование PDF не завершено</translation>
    </message>
</context>
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
    <name>cityops::widgets::AlertDispatch</name>
    <message>
        <source>Dispatch outbox unavailable: %1</source>
        <translation>Очередь направления тревог недоступна: %1</translation>
    </message>
    <message>
        <source>Dispatch: no webhook configured, dispatched alerts wait in the outbox</source>
        <translation>Направление: webhook не настроен, направленные тревоги ждут в очереди отправки</translation>
    </message>
    <message numerus="yes">
        <source>Dispatch: %n service(s) configured</source>
        <translation>
            <numerusform>Направление: настроена %n служба</numerusform>
            <numerusform>Направление: настроены %n службы</numerusform>
            <numerusform>Направление: настроено %n служб</numerusform>
        </translation>
    </message>
    <message>
        <source>Dispatch error: %1</source>
        <translation>Ошибка направления: %1</translation>
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
    <message>
        <source>%1 (escalated)</source>
        <translation>%1 (эскалирована)</translation>
    </message>
    <message>
        <source>State</source>
        <translation>Состояние</translation>
    </message>
    <message>
        <source>Service</source>
        <translation>Служба</translation>
    </message>
    <message>
        <source>New</source>
        <translation>Новая</translation>
    </message>
    <message>
        <source>Acknowledged</source>
        <translation>Подтверждена</translation>
    </message>
    <message>
        <source>Assigned</source>
        <translation>Назначена</translation>
    </message>
    <message>
        <source>Dispatched</source>
        <translation>Направлена</translation>
    </message>
    <message>
        <source>Resolved</source>
        <translation>Закрыта</translation>
    </message>
    <message>
        <source>Traffic jam</source>
        <translation>Пробка</translation>
    </message>
    <message>
        <source>Heat stress</source>
        <translation>Тепловой стресс</translation>
    </message>
    <message>
        <source>Energy outage</source>
        <translation>Отключение электроэнергии</translation>
    </message>
    <message>
        <source>Sensor silent</source>
        <translation>Датчик не передаёт данные</translation>
    </message>
</context>
<context>
    <name>cityops::widgets::AlertPanel</name>
    <message>
        <source>Search alerts (district, sensor, service...)</source>
        <translation>Поиск тревог (район, датчик, служба...)</translation>
    </message>
    <message>
        <source>Open</source>
        <translation>Открытые</translation>
    </message>
    <message>
        <source>All states</source>
        <translation>Все состояния</translation>
    </message>
    <message>
        <source>All severities</source>
        <translation>Все уровни важности</translation>
    </message>
    <message>
        <source>Warning and worse</source>
        <translation>Предупреждение и выше</translation>
    </message>
    <message>
        <source>Critical only</source>
        <translation>Только критические</translation>
    </message>
    <message>
        <source>Mute</source>
        <translation>Без звука</translation>
    </message>
    <message>
        <source>Silence the beep and flash for new critical alerts</source>
        <translation>Отключить звуковой сигнал и мигание для новых критических тревог</translation>
    </message>
    <message>
        <source>&amp;Acknowledge</source>
        <translation>&amp;Подтвердить</translation>
    </message>
    <message>
        <source>A&amp;ssign</source>
        <translation>&amp;Назначить</translation>
    </message>
    <message>
        <source>&amp;Dispatch</source>
        <translation>Н&amp;аправить</translation>
    </message>
    <message>
        <source>&amp;Resolve…</source>
        <translation>&amp;Закрыть…</translation>
    </message>
    <message>
        <source>&amp;Note…</source>
        <translation>&amp;Комментарий…</translation>
    </message>
    <message>
        <source>Note on alert %1</source>
        <translation>Комментарий к тревоге %1</translation>
    </message>
    <message>
        <source>Note:</source>
        <translation>Комментарий:</translation>
    </message>
    <message>
        <source>Select an alert first.</source>
        <translation>Сначала выберите тревогу.</translation>
    </message>
    <message>
        <source>Not resolved: no disposition was chosen.</source>
        <translation>Не закрыто: не выбран результат обработки.</translation>
    </message>
    <message>
        <source>Alert %1: %2</source>
        <translation>Тревога %1: %2</translation>
    </message>
    <message>
        <source>Service: %1</source>
        <translation>Служба: %1</translation>
    </message>
    <message>
        <source>Disposition: %1</source>
        <translation>Результат обработки: %1</translation>
    </message>
    <message>
        <source>Notes: %1</source>
        <translation>Комментарии: %1</translation>
    </message>
</context>
<context>
    <name>cityops::widgets::AlertResolveDialog</name>
    <message>
        <source>Resolve alert %1</source>
        <translation>Закрыть тревогу %1</translation>
    </message>
    <message>
        <source>Choose a disposition…</source>
        <translation>Выберите результат обработки…</translation>
    </message>
    <message>
        <source>What was done (optional)</source>
        <translation>Что было сделано (необязательно)</translation>
    </message>
    <message>
        <source>Disposition:</source>
        <translation>Результат обработки:</translation>
    </message>
    <message>
        <source>Note:</source>
        <translation>Комментарий:</translation>
    </message>
    <message>
        <source>Resolve</source>
        <translation>Закрыть</translation>
    </message>
</context>
<context>
    <name>cityops::widgets::AlertWorkflow</name>
    <message>
        <source>Police</source>
        <translation>Полиция</translation>
    </message>
    <message>
        <source>Fire Department</source>
        <translation>Пожарная служба</translation>
    </message>
    <message>
        <source>Traffic Control</source>
        <translation>Управление дорожным движением</translation>
    </message>
    <message>
        <source>Energy Company</source>
        <translation>Энергетическая компания</translation>
    </message>
    <message>
        <source>Handled</source>
        <translation>Отработано</translation>
    </message>
    <message>
        <source>False alarm</source>
        <translation>Ложная тревога</translation>
    </message>
    <message>
        <source>Duplicate</source>
        <translation>Дубликат</translation>
    </message>
    <message>
        <source>Referred</source>
        <translation>Передано по принадлежности</translation>
    </message>
    <message>
        <source>No action needed</source>
        <translation>Действий не требуется</translation>
    </message>
    <message>
        <source>Unknown service &quot;%1&quot;: choose one of %2.</source>
        <translation>Неизвестная служба «%1»: выберите одну из следующих: %2.</translation>
    </message>
    <message>
        <source>A disposition is required to resolve an alert.</source>
        <translation>Чтобы закрыть тревогу, нужно указать результат обработки.</translation>
    </message>
    <message>
        <source>Unknown disposition &quot;%1&quot;: choose one of %2.</source>
        <translation>Неизвестный результат обработки «%1»: выберите один из следующих: %2.</translation>
    </message>
    <message>
        <source>Alert %1 is not in the queue.</source>
        <translation>Тревоги %1 нет в очереди.</translation>
    </message>
    <message>
        <source>The note is empty.</source>
        <translation>Комментарий пуст.</translation>
    </message>
    <message>
        <source>Alert %1 is already %2.</source>
        <translation>Тревога %1 уже в состоянии «%2».</translation>
    </message>
    <message>
        <source>it is closed</source>
        <translation>она закрыта</translation>
    </message>
    <message>
        <source>acknowledge it first</source>
        <translation>сначала подтвердите её</translation>
    </message>
    <message>
        <source>assign it to a service first</source>
        <translation>сначала назначьте её службе</translation>
    </message>
    <message>
        <source>dispatch or resolve it</source>
        <translation>направьте или закройте её</translation>
    </message>
    <message>
        <source>Alert %1 is %2 and cannot become %3: %4.</source>
        <translation>Тревога %1 в состоянии «%2» и не может перейти в состояние «%3»: %4.</translation>
    </message>
    <message>
        <source>Alert %1 could not be stored: %2</source>
        <translation>Не удалось сохранить тревогу %1: %2</translation>
    </message>
    <message>
        <source>Alert %1 was not changed: %2</source>
        <translation>Тревога %1 не изменена: %2</translation>
    </message>
    <message>
        <source>The audit log could not record &quot;%1&quot;: %2</source>
        <translation>Не удалось записать «%1» в журнал аудита: %2</translation>
    </message>
</context>
<context>
    <name>cityops::widgets::CrashReportDialog</name>
    <message>
        <source>Don&apos;t ask again about crash reports</source>
        <translation>Больше не спрашивать об отчётах о сбоях</translation>
    </message>
    <message>
        <source>Copy path</source>
        <translation>Копировать путь</translation>
    </message>
    <message>
        <source>Delete report</source>
        <translation>Удалить отчёт</translation>
    </message>
    <message>
        <source>CityOps crashed last time</source>
        <translation>В прошлый раз CityOps аварийно завершил работу</translation>
    </message>
    <message>
        <source>The previous run of CityOps ended with a crash. A report with the stack trace, the version and the last log lines was saved to:
%1
Nothing was sent anywhere; attach the file to a bug report if you like.</source>
        <translation>Предыдущий запуск CityOps завершился сбоем. Отчёт со стеком вызовов, версией и последними строками журнала сохранён в:
%1
Ничего никуда не отправлено; при желании приложите файл к сообщению об ошибке.</translation>
    </message>
    <message>
        <source>The report cannot be read: %1</source>
        <translation>Не удалось прочитать отчёт: %1</translation>
    </message>
    <message>
        <source>
The report could not be deleted.</source>
        <translation>
Не удалось удалить отчёт.</translation>
    </message>
</context>
<context>
    <name>cityops::widgets::DemoDirector</name>
    <message>
        <source>Cannot open the demo&apos;s audit log in %1: %2</source>
        <translation>Не удалось открыть журнал аудита демонстрации в %1: %2</translation>
    </message>
    <message>
        <source>Demo scenario &quot;%1&quot;: %2</source>
        <translation>Демонстрационный сценарий «%1»: %2</translation>
    </message>
    <message>
        <source>Quit the demo</source>
        <translation>Выйти из демонстрации</translation>
    </message>
    <message>
        <source>DEMO · %1 · %2/%3 · Esc to quit</source>
        <translation>ДЕМО · %1 · %2/%3 · Esc — выход</translation>
    </message>
    <message>
        <source>Seen on the wall (demo)</source>
        <translation>Замечено на видеостене (демо)</translation>
    </message>
    <message>
        <source>Closed by the demo</source>
        <translation>Закрыто в демонстрационном режиме</translation>
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
    <message>
        <source>Embedded simulator, data in %1</source>
        <translation>Встроенный симулятор, данные в %1</translation>
    </message>
    <message>
        <source>Alert actions are not stored: %1</source>
        <translation>Действия с тревогами не сохраняются: %1</translation>
    </message>
    <message>
        <source>Operator actions are not audited: %1</source>
        <translation>Действия оператора не записываются в журнал аудита: %1</translation>
    </message>
    <message>
        <source>Open retail &amp;workspace…</source>
        <translation>Открыть &amp;рабочее пространство розничных продаж…</translation>
    </message>
    <message>
        <source>Simulation</source>
        <translation>Симуляция</translation>
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
    <message>
        <source>Alert service</source>
        <translation>Обработка тревог</translation>
    </message>
    <message>
        <source> min</source>
        <translation> мин</translation>
    </message>
    <message>
        <source>never</source>
        <translation>никогда</translation>
    </message>
    <message>
        <source>&amp;Escalate unacknowledged critical alerts after:</source>
        <translation>&amp;Эскалировать неподтверждённые критические тревоги через:</translation>
    </message>
    <message>
        <source>http://host:port/path (empty: not dispatched)</source>
        <translation>http://host:port/path (пусто — не направлять)</translation>
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
        <translation>Щёлкните внутри района, чтобы разместить этот инцидент.</translation>
    </message>
    <message>
        <source>The city has no sensors.</source>
        <translation>В городе нет датчиков.</translation>
    </message>
    <message>
        <source>Fire</source>
        <translation>Пожар</translation>
    </message>
    <message>
        <source>Gas leak</source>
        <translation>Утечка газа</translation>
    </message>
    <message>
        <source>Accident</source>
        <translation>ДТП</translation>
    </message>
    <message>
        <source>CO₂ episode</source>
        <translation>Эпизод повышенного CO₂</translation>
    </message>
    <message>
        <source>Heat wave</source>
        <translation>Волна жары</translation>
    </message>
    <message>
        <source>Substation failure</source>
        <translation>Авария подстанции</translation>
    </message>
    <message>
        <source>Gateway outage</source>
        <translation>Сбой шлюза</translation>
    </message>
    <message>
        <source>Sensor failure</source>
        <translation>Отказ датчика</translation>
    </message>
    <message>
        <source>Run</source>
        <translation>Запуск</translation>
    </message>
    <message>
        <source>Scenario:</source>
        <translation>Сценарий:</translation>
    </message>
    <message>
        <source>Simulated time:</source>
        <translation>Время симуляции:</translation>
    </message>
    <message>
        <source>Step +1 min</source>
        <translation>Шаг +1 мин</translation>
    </message>
    <message>
        <source>Advance the simulation by one minute, also while paused</source>
        <translation>Продвинуть симуляцию на одну минуту, в том числе на паузе</translation>
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
        <translation>Перевести часы симуляции на это время (UTC), вперёд или назад</translation>
    </message>
    <message>
        <source>Jump to:</source>
        <translation>Перейти к:</translation>
    </message>
    <message>
        <source>Inject incident</source>
        <translation>Добавить инцидент</translation>
    </message>
    <message>
        <source>Place on map</source>
        <translation>Разместить на карте</translation>
    </message>
    <message>
        <source>Then click the map where the incident happens</source>
        <translation>Затем щёлкните на карте в месте инцидента</translation>
    </message>
    <message>
        <source>Training score</source>
        <translation>Оценка тренировки</translation>
    </message>
    <message>
        <source>Stepping one simulated minute.</source>
        <translation>Шаг на одну минуту симуляции.</translation>
    </message>
    <message>
        <source>Cannot jump before the scenario start (%1 UTC).</source>
        <translation>Нельзя перейти на время до начала сценария (%1 UTC).</translation>
    </message>
    <message>
        <source>Jumping to %1 UTC.</source>
        <translation>Переход к %1 UTC.</translation>
    </message>
    <message>
        <source>Click the map to place: %1.</source>
        <translation>Щёлкните на карте, чтобы разместить: %1.</translation>
    </message>
    <message>
        <source>Cannot inject: %1</source>
        <translation>Не удалось добавить инцидент: %1</translation>
    </message>
    <message>
        <source>%1 injected at %2, %3 (simulated %4 UTC).</source>
        <translation>%1: добавлено в точке %2, %3 (время симуляции %4 UTC).</translation>
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
        <translation>Сработало тревог: %1 из %2 ожидаемых (ещё не сработало: %3, без правила движка: %4)</translation>
    </message>
    <message>
        <source>False alerts: %1 · acknowledged: %2</source>
        <translation>Ложные тревоги: %1 · подтверждено: %2</translation>
    </message>
    <message>
        <source>Mean time to alert: %1 min</source>
        <translation>Среднее время до тревоги: %1 мин</translation>
    </message>
    <message>
        <source>Incidents: %1 (%2 injected here)</source>
        <translation>Инциденты: %1 (добавлено здесь: %2)</translation>
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
    <message>
        <source>Checkpoint: off</source>
        <translation>Контрольная точка: отключена</translation>
    </message>
    <message>
        <source>No data directory: results are not stored and no checkpoints are taken</source>
        <translation>Нет каталога данных: результаты не сохраняются, контрольные точки не создаются</translation>
    </message>
    <message>
        <source>Checkpoint: —</source>
        <translation>Контрольная точка: —</translation>
    </message>
    <message>
        <source>Checkpoint: %1 s ago</source>
        <translation>Контрольная точка: %1 с назад</translation>
    </message>
    <message>
        <source>Checkpoint %1: %2 ms, %3 bytes of state, %4 rows</source>
        <translation>Контрольная точка %1: %2 мс, состояние: %3 байт, строк: %4</translation>
    </message>
    <message>
        <source>Late: %1 · Dead letters: %2</source>
        <translation>Опоздавшие: %1 · Недоставленные: %2</translation>
    </message>
</context>
<context>
    <name>cityops::widgets::workspace::ChartsPanel</name>
    <message>
        <source>3.1 Top 5 categories by units sold</source>
        <translation>3.1 Топ-5 категорий по количеству проданных единиц</translation>
    </message>
    <message>
        <source>Units</source>
        <translation>Количество, ед.</translation>
    </message>
    <message>
        <source>3.2 Average total spent by payment method</source>
        <translation>3.2 Средняя сумма покупки по способу оплаты</translation>
    </message>
    <message>
        <source>Average total spent</source>
        <translation>Средняя сумма покупки</translation>
    </message>
    <message>
        <source>3.2 Average total spent by location</source>
        <translation>3.2 Средняя сумма покупки по месту покупки</translation>
    </message>
    <message>
        <source>4.1 Transactions by day of week</source>
        <translation>4.1 Транзакции по дням недели</translation>
    </message>
    <message>
        <source>Transactions</source>
        <translation>Транзакции</translation>
    </message>
    <message>
        <source>4.1 Transactions by month</source>
        <translation>4.1 Транзакции по месяцам</translation>
    </message>
</context>
<context>
    <name>cityops::widgets::workspace::PreviewPanel</name>
    <message>
        <source>Loaded CSV</source>
        <translation>Загруженный CSV</translation>
    </message>
    <message>
        <source>Cleaned data with time features</source>
        <translation>Очищенные данные с временными признаками</translation>
    </message>
    <message>
        <source>Rejected values</source>
        <translation>Отклонённые значения</translation>
    </message>
    <message>
        <source>Item catalogue</source>
        <translation>Каталог товаров</translation>
    </message>
    <message>
        <source>Table:</source>
        <translation>Таблица:</translation>
    </message>
    <message>
        <source>%1 rows × %2 columns</source>
        <translation>Строк: %1, столбцов: %2</translation>
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
        <translation>Прочитано записей: %1, загружено строк: %2, строк с отклонёнными значениями: %3, разделитель &apos;%4&apos;, заголовок: %5</translation>
    </message>
    <message>
        <source>yes</source>
        <translation>да</translation>
    </message>
    <message>
        <source>no</source>
        <translation>нет</translation>
    </message>
    <message>
        <source>Note: %1</source>
        <translation>Примечание: %1</translation>
    </message>
    <message>
        <source>As loaded (1.1):</source>
        <translation>Как загружено (1.1):</translation>
    </message>
    <message>
        <source>Typed (1.2-1.3):</source>
        <translation>С типами (1.2-1.3):</translation>
    </message>
    <message>
        <source>Final, with time features (4.1):</source>
        <translation>Итоговая, с временными признаками (4.1):</translation>
    </message>
</context>
<context>
    <name>cityops::widgets::workspace::StepModel</name>
    <message>
        <source>Step</source>
        <translation>Шаг</translation>
    </message>
    <message>
        <source>Title</source>
        <translation>Название</translation>
    </message>
    <message>
        <source>Rows before</source>
        <translation>Строк до</translation>
    </message>
    <message>
        <source>Rows after</source>
        <translation>Строк после</translation>
    </message>
    <message>
        <source>Fixed</source>
        <translation>Исправлено</translation>
    </message>
    <message>
        <source>Summary</source>
        <translation>Итог</translation>
    </message>
</context>
<context>
    <name>cityops::widgets::workspace::TableModel</name>
    <message numerus="yes">
        <source>%1: %2, %n null(s)</source>
        <translation>
            <numerusform>%1: %2, %n пустое значение</numerusform>
            <numerusform>%1: %2, %n пустых значения</numerusform>
            <numerusform>%1: %2, %n пустых значений</numerusform>
        </translation>
    </message>
</context>
<context>
    <name>cityops::widgets::workspace::WorkspaceLoader</name>
    <message>
        <source>the file could not be loaded</source>
        <translation>не удалось загрузить файл</translation>
    </message>
</context>
<context>
    <name>cityops::widgets::workspace::WorkspaceWindow</name>
    <message>
        <source>Cancel</source>
        <translation>Отмена</translation>
    </message>
    <message>
        <source>Retail workspace</source>
        <translation>Рабочее пространство розничных продаж</translation>
    </message>
    <message>
        <source>Preview</source>
        <translation>Просмотр</translation>
    </message>
    <message>
        <source>Schema</source>
        <translation>Схема</translation>
    </message>
    <message>
        <source>Steps</source>
        <translation>Шаги</translation>
    </message>
    <message>
        <source>Charts</source>
        <translation>Диаграммы</translation>
    </message>
    <message>
        <source>Could not open %1: %2. The data shown before is kept.</source>
        <translation>Не удалось открыть %1: %2. Ранее показанные данные сохранены.</translation>
    </message>
    <message>
        <source>Loading %1 was cancelled. The data shown before is kept.</source>
        <translation>Загрузка %1 отменена. Ранее показанные данные сохранены.</translation>
    </message>
    <message>
        <source>&amp;File</source>
        <translation>&amp;Файл</translation>
    </message>
    <message>
        <source>Workspace</source>
        <translation>Рабочее пространство</translation>
    </message>
    <message>
        <source>&amp;Open CSV…</source>
        <translation>&amp;Открыть CSV…</translation>
    </message>
    <message>
        <source>Export cleaned &amp;data (CSV)…</source>
        <translation>Экспортировать очищенные &amp;данные (CSV)…</translation>
    </message>
    <message>
        <source>Export cleaned data</source>
        <translation>Экспорт очищенных данных</translation>
    </message>
    <message>
        <source>CSV files (*.csv)</source>
        <translation>Файлы CSV (*.csv)</translation>
    </message>
    <message>
        <source>Export report as &amp;PDF…</source>
        <translation>Экспортировать отчёт в &amp;PDF…</translation>
    </message>
    <message>
        <source>Export report as PDF</source>
        <translation>Экспорт отчёта в PDF</translation>
    </message>
    <message>
        <source>PDF files (*.pdf)</source>
        <translation>Файлы PDF (*.pdf)</translation>
    </message>
    <message>
        <source>Export report as &amp;XLSX…</source>
        <translation>Экспортировать отчёт в &amp;XLSX…</translation>
    </message>
    <message>
        <source>Export report as XLSX</source>
        <translation>Экспорт отчёта в XLSX</translation>
    </message>
    <message>
        <source>Excel workbooks (*.xlsx)</source>
        <translation>Книги Excel (*.xlsx)</translation>
    </message>
    <message>
        <source>Export report as &amp;HTML…</source>
        <translation>Экспортировать отчёт в &amp;HTML…</translation>
    </message>
    <message>
        <source>Export report as HTML</source>
        <translation>Экспорт отчёта в HTML</translation>
    </message>
    <message>
        <source>HTML pages (*.html)</source>
        <translation>Страницы HTML (*.html)</translation>
    </message>
    <message>
        <source>&amp;Close</source>
        <translation>&amp;Закрыть</translation>
    </message>
    <message>
        <source>Loading %1…</source>
        <translation>Загрузка %1…</translation>
    </message>
    <message>
        <source>Cancelling…</source>
        <translation>Отмена…</translation>
    </message>
    <message>
        <source>%1: %2 rows loaded in %3 s, workflow %4 s, %5 rows after cleaning</source>
        <translation>%1: загружено строк: %2 за %3 с, обработка — %4 с, строк после очистки: %5</translation>
    </message>
    <message>
        <source>%1 rows had values that could not be read; they are listed under Preview → Rejected values.</source>
        <translation>Строк со значениями, которые не удалось прочитать: %1; они перечислены в разделе «Просмотр → Отклонённые значения».</translation>
    </message>
    <message>
        <source>Open a retail sales CSV to start.</source>
        <translation>Чтобы начать, откройте CSV-файл розничных продаж.</translation>
    </message>
    <message>
        <source>Error — see the message above</source>
        <translation>Ошибка — см. сообщение выше</translation>
    </message>
    <message>
        <source>Nothing to export yet: open a CSV first.</source>
        <translation>Пока нечего экспортировать: сначала откройте CSV.</translation>
    </message>
    <message>
        <source>Export failed: %1. The data in the workspace is unchanged.</source>
        <translation>Ошибка экспорта: %1. Данные в рабочем пространстве не изменены.</translation>
    </message>
    <message>
        <source>Wrote %1</source>
        <translation>Записано: %1</translation>
    </message>
    <message>
        <source>Open retail sales CSV</source>
        <translation>Открыть CSV розничных продаж</translation>
    </message>
    <message>
        <source>CSV files (*.csv);;All files (*)</source>
        <translation>Файлы CSV (*.csv);;Все файлы (*)</translation>
    </message>
</context>
</TS>
