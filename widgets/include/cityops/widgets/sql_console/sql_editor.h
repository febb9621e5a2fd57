#pragma once

#include <QPlainTextEdit>
#include <QStringList>
#include <functional>

class QCompleter;
class QStringListModel;

namespace cityops::widgets::sql_console {

class SqlRunner;

//! SQL words the highlighter and the completer know (upper case).
const QStringList& sqlKeywords();
//! Function names of the batch SQL dialect (lower case), see docs/SQL.md.
const QStringList& sqlFunctions();

//! What completion offers at a cursor: the word being typed and the candidates for it. After "x." the
//! candidates are the columns of table x (or of the table aliased x in the text); otherwise keywords,
//! functions, table names and the columns of the tables named in the text. Pure: tests call it directly.
struct CompletionContext {
    QString prefix;      //!< the partial word before the cursor (may be empty)
    QString qualifier;   //!< "x" when the word follows "x."
    QStringList candidates;
};
CompletionContext completionAt(const QString& text, int cursor, const SqlRunner& runner);

//! The statement the cursor is in: the text between the ';' around it (quotes and comments respected).
struct Statement {
    QString text;
    int start = 0;  //!< offset of text in the document
};
Statement statementAt(const QString& text, int cursor);

//! The SQL editor: highlighting, completion of keywords, functions, tables and columns (Ctrl+Space, or
//! while typing after "." or two letters), Ctrl+Enter to run the selection or the statement under the
//! cursor, and an error mark (wavy underline) at a line and column of the statement last run.
class SqlEditor : public QPlainTextEdit {
    Q_OBJECT

public:
    explicit SqlEditor(const SqlRunner& runner, QWidget* parent = nullptr);

    //! The selection, or else the statement under the cursor.
    Statement currentStatement() const;
    //! Puts the cursor at (line, column) of the statement that started at statementStart and underlines
    //! the token there; column counts UTF-8 bytes as the engine reports them.
    void markError(int statementStart, int line, int column);
    void clearErrorMark();
    //! Document offset of the current error mark, or -1.
    int errorPosition() const { return m_errorPos; }
    //! Shows the completion popup for the cursor position (no-op when nothing fits).
    void complete();
    QCompleter* completer() const { return m_completer; }

signals:
    //! Ctrl+Enter: run this statement.
    void runRequested(const cityops::widgets::sql_console::Statement& statement);

protected:
    void keyPressEvent(QKeyEvent* event) override;

private:
    void insertCompletion(const QString& completion);

    const SqlRunner& m_runner;
    QCompleter* m_completer;
    QStringListModel* m_completions;
    int m_errorPos = -1;
};

}  // namespace cityops::widgets::sql_console
