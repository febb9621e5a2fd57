#include "cityops/widgets/sql_console/sql_editor.h"

#include <QAbstractItemView>
#include <QCompleter>
#include <QKeyEvent>
#include <QRegularExpression>
#include <QScrollBar>
#include <QSet>
#include <QStringListModel>
#include <QTextBlock>
#include <algorithm>

#include "cityops/engine/sql/stream.h"
#include "cityops/widgets/sql_console/sql_runner.h"
#include "sql_console/sql_highlighter.h"

namespace cityops::widgets::sql_console {

namespace {

bool isWordChar(QChar c) { return c.isLetterOrNumber() || c == QLatin1Char('_'); }

//! Table names the text mentions after FROM / JOIN, and aliases given to them (lower case keys).
void scanTables(const QString& text, const SqlRunner& runner, QStringList& tables, QHash<QString, QString>& aliases) {
    static const QRegularExpression from(
        QStringLiteral(R"(\b(?:FROM|JOIN)\s+([A-Za-z_]\w*)(?:\s+(?:AS\s+)?([A-Za-z_]\w*))?)"),
        QRegularExpression::CaseInsensitiveOption);
    static const QSet<QString> notAliases = {QStringLiteral("where"), QStringLiteral("join"), QStringLiteral("on"),
                                             QStringLiteral("inner"), QStringLiteral("left"), QStringLiteral("cross"),
                                             QStringLiteral("group"), QStringLiteral("order"), QStringLiteral("limit"),
                                             QStringLiteral("having"), QStringLiteral("outer"), QStringLiteral("offset")};
    auto it = from.globalMatch(text);
    while (it.hasNext()) {
        const auto match = it.next();
        const SqlTableInfo* table = runner.table(match.captured(1));
        if (!table) continue;
        tables << table->name;
        const QString alias = match.captured(2).toLower();
        if (!alias.isEmpty() && !notAliases.contains(alias)) aliases.insert(alias, table->name);
    }
}

}  // namespace

const QStringList& sqlKeywords() {
    static const QStringList words = {
        QStringLiteral("SELECT"),    QStringLiteral("FROM"),      QStringLiteral("WHERE"),   QStringLiteral("GROUP"),
        QStringLiteral("BY"),        QStringLiteral("HAVING"),    QStringLiteral("ORDER"),   QStringLiteral("LIMIT"),
        QStringLiteral("OFFSET"),    QStringLiteral("WITH"),      QStringLiteral("AS"),      QStringLiteral("DISTINCT"),
        QStringLiteral("JOIN"),      QStringLiteral("INNER"),     QStringLiteral("LEFT"),    QStringLiteral("OUTER"),
        QStringLiteral("CROSS"),     QStringLiteral("ON"),        QStringLiteral("AND"),     QStringLiteral("OR"),
        QStringLiteral("NOT"),       QStringLiteral("IS"),        QStringLiteral("NULL"),    QStringLiteral("IN"),
        QStringLiteral("BETWEEN"),   QStringLiteral("LIKE"),      QStringLiteral("ILIKE"),   QStringLiteral("CASE"),
        QStringLiteral("WHEN"),      QStringLiteral("THEN"),      QStringLiteral("ELSE"),    QStringLiteral("END"),
        QStringLiteral("CAST"),      QStringLiteral("ASC"),       QStringLiteral("DESC"),    QStringLiteral("NULLS"),
        QStringLiteral("FIRST"),     QStringLiteral("LAST"),      QStringLiteral("TRUE"),    QStringLiteral("FALSE"),
        QStringLiteral("DATE"),      QStringLiteral("TIMESTAMP"), QStringLiteral("EXTRACT"), QStringLiteral("OVER"),
        QStringLiteral("PARTITION"), QStringLiteral("ROWS"),      QStringLiteral("RANGE"),   QStringLiteral("UNBOUNDED"),
        QStringLiteral("PRECEDING"), QStringLiteral("FOLLOWING"), QStringLiteral("CURRENT"), QStringLiteral("ROW"),
        QStringLiteral("WITHIN"),    QStringLiteral("EXPLAIN")};
    return words;
}

const QStringList& sqlFunctions() {
    static const QStringList names = {
        QStringLiteral("coalesce"),   QStringLiteral("ifnull"),        QStringLiteral("nvl"),
        QStringLiteral("nullif"),     QStringLiteral("greatest"),      QStringLiteral("least"),
        QStringLiteral("date_trunc"), QStringLiteral("to_date"),       QStringLiteral("year"),
        QStringLiteral("quarter"),    QStringLiteral("month"),         QStringLiteral("day"),
        QStringLiteral("dayofmonth"), QStringLiteral("hour"),          QStringLiteral("minute"),
        QStringLiteral("second"),     QStringLiteral("dayofweek"),     QStringLiteral("dayofyear"),
        QStringLiteral("date_part"),  QStringLiteral("round"),         QStringLiteral("abs"),
        QStringLiteral("floor"),      QStringLiteral("ceil"),          QStringLiteral("sqrt"),
        QStringLiteral("power"),      QStringLiteral("ln"),            QStringLiteral("exp"),
        QStringLiteral("lower"),      QStringLiteral("upper"),         QStringLiteral("length"),
        QStringLiteral("trim"),       QStringLiteral("substr"),        QStringLiteral("concat"),
        QStringLiteral("count"),      QStringLiteral("sum"),           QStringLiteral("avg"),
        QStringLiteral("mean"),       QStringLiteral("min"),           QStringLiteral("max"),
        QStringLiteral("stddev"),     QStringLiteral("stddev_samp"),   QStringLiteral("stddev_pop"),
        QStringLiteral("variance"),   QStringLiteral("var_samp"),      QStringLiteral("var_pop"),
        QStringLiteral("percentile_cont"), QStringLiteral("percentile"), QStringLiteral("quantile_cont"),
        QStringLiteral("median"),     QStringLiteral("percentile_approx"), QStringLiteral("approx_percentile"),
        QStringLiteral("approx_quantile"), QStringLiteral("row_number"), QStringLiteral("rank"),
        QStringLiteral("dense_rank"), QStringLiteral("lag"),           QStringLiteral("lead"),
        QStringLiteral("first_value"), QStringLiteral("last_value")};
    return names;
}

CompletionContext completionAt(const QString& text, int cursor, const SqlRunner& runner) {
    CompletionContext context;
    cursor = std::clamp(cursor, 0, static_cast<int>(text.size()));
    int start = cursor;
    while (start > 0 && isWordChar(text[start - 1])) --start;
    context.prefix = text.mid(start, cursor - start);
    if (start > 0 && text[start - 1] == QLatin1Char('.')) {
        int qualifierStart = start - 1;
        while (qualifierStart > 0 && isWordChar(text[qualifierStart - 1])) --qualifierStart;
        context.qualifier = text.mid(qualifierStart, start - 1 - qualifierStart);
    }
    QStringList tables;
    QHash<QString, QString> aliases;
    scanTables(text, runner, tables, aliases);

    QStringList all;
    if (!context.qualifier.isEmpty()) {
        const SqlTableInfo* table = runner.table(context.qualifier);
        if (!table) table = runner.table(aliases.value(context.qualifier.toLower()));
        if (table) {
            for (const auto& column : table->columns) all << column.name;
        }
    } else {
        all << sqlKeywords() << sqlFunctions();
        for (const auto& table : runner.schema()) all << table.name;
        for (const auto& name : tables) {
            if (const SqlTableInfo* table = runner.table(name)) {
                for (const auto& column : table->columns) all << column.name;
            }
        }
    }
    for (const auto& candidate : all) {
        if (candidate.startsWith(context.prefix, Qt::CaseInsensitive) &&
            candidate.compare(context.prefix, Qt::CaseInsensitive) != 0) {
            context.candidates << candidate;
        }
    }
    context.candidates.removeDuplicates();
    std::sort(context.candidates.begin(), context.candidates.end(),
              [](const QString& a, const QString& b) { return a.compare(b, Qt::CaseInsensitive) < 0; });
    return context;
}

Statement statementAt(const QString& text, int cursor) {
    // Statement boundaries: ';' outside quotes and comments.
    std::vector<std::pair<int, int>> spans;
    int begin = 0;
    const int n = static_cast<int>(text.size());
    for (int i = 0; i < n; ++i) {
        const QChar c = text[i];
        if (c == QLatin1Char('\'') || c == QLatin1Char('"') || c == QLatin1Char('`')) {
            for (++i; i < n && text[i] != c; ++i) {
            }
        } else if (c == QLatin1Char('-') && i + 1 < n && text[i + 1] == QLatin1Char('-')) {
            while (i < n && text[i] != QLatin1Char('\n')) ++i;
        } else if (c == QLatin1Char('/') && i + 1 < n && text[i + 1] == QLatin1Char('*')) {
            const qsizetype end = text.indexOf(QStringLiteral("*/"), i + 2);
            i = end < 0 ? n : static_cast<int>(end) + 1;
        } else if (c == QLatin1Char(';')) {
            spans.emplace_back(begin, i);
            begin = i + 1;
        }
    }
    spans.emplace_back(begin, n);
    auto trimmed = [&text](std::pair<int, int> span) {
        while (span.first < span.second && text[span.first].isSpace()) ++span.first;
        while (span.second > span.first && text[span.second - 1].isSpace()) --span.second;
        return span;
    };
    std::size_t chosen = 0;
    for (std::size_t i = 0; i < spans.size(); ++i) {
        if (cursor >= spans[i].first && cursor <= spans[i].second) {
            chosen = i;
            break;
        }
    }
    // The cursor after a statement's ';' (blank rest): that statement.
    while (chosen > 0 && trimmed(spans[chosen]).first == trimmed(spans[chosen]).second) --chosen;
    const auto span = trimmed(spans[chosen]);
    return Statement{text.mid(span.first, span.second - span.first), span.first};
}

SqlEditor::SqlEditor(const SqlRunner& runner, QWidget* parent)
    : QPlainTextEdit(parent), m_runner(runner), m_completer(new QCompleter(this)), m_completions(new QStringListModel(this)) {
    new SqlHighlighter(document());
    QFont mono(QStringLiteral("Monospace"));
    mono.setStyleHint(QFont::TypeWriter);
    setFont(mono);
    setLineWrapMode(QPlainTextEdit::NoWrap);
    setTabStopDistance(fontMetrics().horizontalAdvance(QLatin1Char(' ')) * 4);
    m_completer->setModel(m_completions);
    m_completer->setWidget(this);
    m_completer->setCaseSensitivity(Qt::CaseInsensitive);
    m_completer->setCompletionMode(QCompleter::PopupCompletion);
    connect(m_completer, qOverload<const QString&>(&QCompleter::activated), this, &SqlEditor::insertCompletion);
    connect(this, &QPlainTextEdit::textChanged, this, [this] {
        if (m_errorPos >= 0) clearErrorMark();
    });
}

Statement SqlEditor::currentStatement() const {
    const QTextCursor cursor = textCursor();
    if (cursor.hasSelection()) {
        // QTextCursor::selectedText() uses U+2029 for line breaks; the document text uses '\n'.
        const int start = cursor.selectionStart();
        return Statement{toPlainText().mid(start, cursor.selectionEnd() - start), start};
    }
    // A streaming script (CREATE TABLE …; INSERT INTO … SELECT …) runs as a whole: its statements
    // depend on one another.
    const QString text = toPlainText();
    if (engine::sql::isStreamScript(text.toStdString())) return Statement{text, 0};
    return statementAt(text, cursor.position());
}

void SqlEditor::markError(int statementStart, int line, int column) {
    const QString text = toPlainText();
    int lineStart = std::clamp(statementStart, 0, static_cast<int>(text.size()));
    for (int l = 1; l < line; ++l) {
        const qsizetype next = text.indexOf(QLatin1Char('\n'), lineStart);
        if (next < 0) break;
        lineStart = static_cast<int>(next) + 1;
    }
    qsizetype lineEnd = text.indexOf(QLatin1Char('\n'), lineStart);
    if (lineEnd < 0) lineEnd = text.size();
    const QByteArray bytes = text.mid(lineStart, lineEnd - lineStart).toUtf8();
    const int offset = static_cast<int>(QString::fromUtf8(bytes.left(std::max(0, column - 1))).size());
    const int pos = std::min(lineStart + offset, static_cast<int>(text.size()));
    int end = pos;
    while (end < text.size() && isWordChar(text[end])) ++end;
    int markStart = pos;
    if (end == pos) {
        if (pos < text.size() && text[pos] != QLatin1Char('\n')) {
            end = pos + 1;
        } else if (pos > 0) {
            markStart = pos - 1;  // "end of query": underline the last character
        }
    }
    QTextCursor cursor(document());
    cursor.setPosition(pos);
    setTextCursor(cursor);
    QTextEdit::ExtraSelection mark;
    mark.cursor = QTextCursor(document());
    mark.cursor.setPosition(markStart);
    mark.cursor.setPosition(end, QTextCursor::KeepAnchor);
    mark.format.setUnderlineStyle(QTextCharFormat::SpellCheckUnderline);
    mark.format.setUnderlineColor(Qt::red);
    setExtraSelections({mark});
    m_errorPos = pos;
    ensureCursorVisible();
}

void SqlEditor::clearErrorMark() {
    m_errorPos = -1;
    setExtraSelections({});
}

void SqlEditor::complete() {
    const CompletionContext context = completionAt(toPlainText(), textCursor().position(), m_runner);
    if (context.candidates.isEmpty()) {
        m_completer->popup()->hide();
        return;
    }
    m_completions->setStringList(context.candidates);
    m_completer->setCompletionPrefix(context.prefix);
    QRect rect = cursorRect();
    rect.setWidth(m_completer->popup()->sizeHintForColumn(0) + m_completer->popup()->verticalScrollBar()->sizeHint().width());
    m_completer->complete(rect);
    m_completer->popup()->setCurrentIndex(m_completer->completionModel()->index(0, 0));
}

void SqlEditor::insertCompletion(const QString& completion) {
    QTextCursor cursor = textCursor();
    cursor.movePosition(QTextCursor::Left, QTextCursor::KeepAnchor,
                        static_cast<int>(m_completer->completionPrefix().size()));
    cursor.insertText(completion);
    setTextCursor(cursor);
}

void SqlEditor::keyPressEvent(QKeyEvent* event) {
    const bool ctrl = event->modifiers().testFlag(Qt::ControlModifier);
    const bool enter = event->key() == Qt::Key_Return || event->key() == Qt::Key_Enter;
    if (m_completer->popup()->isVisible() &&
        (enter || event->key() == Qt::Key_Escape || event->key() == Qt::Key_Tab || event->key() == Qt::Key_Backtab) &&
        !ctrl) {
        event->ignore();  // the completer's popup takes them
        return;
    }
    if (ctrl && enter) {
        m_completer->popup()->hide();
        emit runRequested(currentStatement());
        return;
    }
    if (ctrl && event->key() == Qt::Key_Space) {
        complete();
        return;
    }
    QPlainTextEdit::keyPressEvent(event);
    const QString typed = event->text();
    if (typed.isEmpty() || ctrl) return;
    const CompletionContext context = completionAt(toPlainText(), textCursor().position(), m_runner);
    if (typed == QStringLiteral(".") || (isWordChar(typed.back()) && context.prefix.size() >= 2)) {
        complete();
    } else if (m_completer->popup()->isVisible()) {
        m_completer->popup()->hide();
    }
}

}  // namespace cityops::widgets::sql_console
