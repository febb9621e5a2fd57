#pragma once

#include <cstddef>
#include <cstdint>
#include <deque>
#include <string>
#include <string_view>
#include <vector>

namespace cityops::engine::batch::detail {

//! One CSV record as located in the input. errorField < 0 with a non-empty error rejects the record
//! as a whole (unterminated quote, text after a closing quote); errorField >= 0 marks one bad cell.
struct RawRecord {
    std::int64_t line = 0;    //!< 1-based line of the record's first character.
    std::int64_t offset = 0;  //!< byte offset of the record in the input.
    std::uint32_t firstField = 0;
    std::uint32_t fieldCount = 0;
    std::int32_t errorField = -1;
    std::string error;
};

//! Where a field's text is: `size` bytes at `offset` from the batch's base, or (kOwned bit set in offset)
//! the batch's owned string number offset & ~kOwned. 8 bytes instead of a 16-byte view per field.
struct FieldRef {
    static constexpr std::uint32_t kOwned = 0x80000000U;
    std::uint32_t offset = 0;
    std::uint32_t size = 0;
};

//! Records of one input chunk; fields point into the input, or into `owned` when unescaping changed them.
struct RecordBatch {
    std::vector<RawRecord> records;
    std::vector<FieldRef> fields;
    std::deque<std::string> owned;
    const char* base = nullptr;  //!< where field offsets count from: the first byte the batch parsed

    std::string_view field(std::size_t index) const {
        const FieldRef f = fields[index];
        if ((f.offset & FieldRef::kOwned) != 0) return owned[f.offset & ~FieldRef::kOwned];
        return {base + f.offset, f.size};
    }
};

//! Where a record starts: byte offset and line number.
struct ScanPosition {
    std::size_t offset = 0;
    std::int64_t line = 1;
};

//! RFC-4180 record splitter: quoted fields with "" escapes and embedded newlines, LF or CRLF endings,
//! blank lines skipped. Stateless between records, so chunks split at record starts parse identically.
class CsvTokenizer {
public:
    CsvTokenizer(std::string_view text, char delimiter, std::size_t maxFieldBytes)
        : m_text(text), m_delimiter(delimiter), m_maxFieldBytes(maxFieldBytes) {}

    //! Parses records starting in [begin, endOffset) into out; stops after maxRecords when non-zero.
    ScanPosition parse(ScanPosition begin, std::size_t endOffset, RecordBatch& out, std::size_t maxRecords = 0) const;
    //! Likely record starts splitting the input into about `parts` chunks of similar size (first is the
    //! start), found by quote parity without parsing. Parse the chunks, then check each chunk's end against
    //! the next start: a mismatch (possible only with stray quotes) means use exactSplitPoints instead.
    std::vector<ScanPosition> splitPoints(ScanPosition begin, std::size_t parts) const;
    //! Record starts found by reading every record up to them: always right, but one serial pass.
    std::vector<ScanPosition> exactSplitPoints(ScanPosition begin, std::size_t parts) const;

private:
    //! Reads one record at pos; fields go to out when non-null. Returns the position after it.
    ScanPosition readRecord(ScanPosition pos, RecordBatch* out, RawRecord& record) const;
    ScanPosition skipBlankLines(ScanPosition pos) const;

    std::string_view m_text;
    char m_delimiter;
    std::size_t m_maxFieldBytes;
};

}  // namespace cityops::engine::batch::detail
