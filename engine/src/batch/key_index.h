#pragma once

#include <cstdint>
#include <cstring>
#include <string_view>
#include <unordered_map>
#include <vector>

#include "cityops/engine/batch/column.h"

namespace cityops::engine::batch::detail {

//! Fixed-width keys of a table's rows: one 64-bit word per key column (dictionary code, integer, or
//! double bits with -0 folded to 0) plus a word of null flags, so hashing and equality are word compares
//! instead of building a string per row. Nulls encode as word 0 with their flag set: equal to each other.
struct KeyWords {
    std::size_t width = 0;  //!< words per row (keys + 1)
    std::size_t rows = 0;
    std::vector<std::uint64_t> words;

    const std::uint64_t* row(std::size_t r) const { return words.data() + r * width; }
    bool anyNull(std::size_t r) const { return row(r)[width - 1] != 0; }
};

//! Where a key column takes its string codes from: its own dictionary, or (probe side of a join)
//! translated into another column's dictionary; strings absent there get codes no build key has.
struct KeySource {
    const Column* column = nullptr;
    bool numericAsDouble = false;    //!< ints as double bits, to match a double column
    const Column* codeSpace = nullptr;  //!< string column whose dictionary codes to use (null: own)
};

inline KeyWords buildKeyWords(const std::vector<KeySource>& keys, std::size_t rows) {
    KeyWords out;
    out.width = keys.size() + 1;
    out.rows = rows;
    out.words.assign(rows * out.width, 0);
    for (std::size_t k = 0; k < keys.size(); ++k) {
        const Column& c = *keys[k].column;
        const std::uint64_t nullBit = std::uint64_t{1} << (k & 63);
        std::vector<std::uint64_t> translate;
        const bool translated = c.type() == DataType::String && keys[k].codeSpace != nullptr &&
                                &keys[k].codeSpace->dictionary() != &c.dictionary();
        if (translated) {
            const Dictionary& own = c.dictionary();
            const Dictionary& target = keys[k].codeSpace->dictionary();
            translate.resize(own.strings.size());
            // The target's index may be left out (bulk-built dictionary, see ColumnAccess): then a local one.
            std::unordered_map<std::string_view, std::uint32_t> local;
            const bool indexed = target.index.size() == target.strings.size();
            if (!indexed) {
                local.reserve(target.strings.size());
                for (std::uint32_t code = 0; code < target.strings.size(); ++code)
                    local.emplace(target.strings[code], code);
            }
            const auto& index = indexed ? target.index : local;
            for (std::size_t code = 0; code < own.strings.size(); ++code) {
                const auto found = index.find(std::string_view(own.strings[code]));
                translate[code] = found != index.end() ? found->second : (std::uint64_t{1} << 40) + code;
            }
        }
        for (std::size_t r = 0; r < rows; ++r) {
            std::uint64_t* w = out.words.data() + r * out.width;
            if (c.isNull(r)) {
                w[out.width - 1] |= nullBit;
                continue;
            }
            switch (c.type()) {
                case DataType::String:
                    w[k] = translated ? translate[c.codeAt(r)] : c.codeAt(r);
                    break;
                case DataType::Double: {
                    const double d = c.doubleAt(r) == 0.0 ? 0.0 : c.doubleAt(r);
                    std::memcpy(&w[k], &d, sizeof d);
                    break;
                }
                default:
                    if (keys[k].numericAsDouble) {
                        const double d = static_cast<double>(c.intAt(r)) + 0.0;
                        std::memcpy(&w[k], &d, sizeof d);
                    } else {
                        w[k] = static_cast<std::uint64_t>(c.intAt(r));
                    }
            }
        }
    }
    return out;
}

//! Open-addressing set of distinct keys of one KeyWords; each distinct key gets an id (0, 1, ... in
//! first-insertion order) and remembers its first row.
class KeyIndex {
public:
    explicit KeyIndex(const KeyWords& keys) : m_keys(keys) {
        std::size_t capacity = 16;
        while (capacity < keys.rows * 2) capacity <<= 1;
        m_slots.assign(capacity, kEmpty);
        m_mask = capacity - 1;
    }

    //! Id of row's key, adding it when new; inserted tells which.
    std::uint32_t insert(std::size_t row, bool& inserted) {
        const std::uint64_t* w = m_keys.row(row);
        for (std::size_t s = hash(w) & m_mask;; s = (s + 1) & m_mask) {
            const std::uint32_t id = m_slots[s];
            if (id == kEmpty) {
                m_slots[s] = static_cast<std::uint32_t>(m_firstRows.size());
                m_firstRows.push_back(row);
                inserted = true;
                return m_slots[s];
            }
            if (equal(m_keys.row(m_firstRows[id]), w)) {
                inserted = false;
                return id;
            }
        }
    }
    //! Id of a key given as words of the same layout, or kNone.
    std::uint32_t find(const std::uint64_t* w) const {
        for (std::size_t s = hash(w) & m_mask;; s = (s + 1) & m_mask) {
            const std::uint32_t id = m_slots[s];
            if (id == kEmpty) return kNone;
            if (equal(m_keys.row(m_firstRows[id]), w)) return id;
        }
    }
    std::size_t size() const { return m_firstRows.size(); }
    const std::vector<std::size_t>& firstRows() const { return m_firstRows; }

    static constexpr std::uint32_t kNone = 0xFFFFFFFFU;

private:
    static constexpr std::uint32_t kEmpty = 0xFFFFFFFFU;

    std::uint64_t hash(const std::uint64_t* w) const {
        std::uint64_t h = 0x9E3779B97F4A7C15ULL;
        for (std::size_t i = 0; i < m_keys.width; ++i) {
            h ^= w[i] + 0x9E3779B97F4A7C15ULL + (h << 6) + (h >> 2);
            h *= 0xBF58476D1CE4E5B9ULL;
            h ^= h >> 31;
        }
        return h;
    }
    bool equal(const std::uint64_t* a, const std::uint64_t* b) const {
        return std::memcmp(a, b, m_keys.width * sizeof(std::uint64_t)) == 0;
    }

    const KeyWords& m_keys;
    std::vector<std::uint32_t> m_slots;
    std::vector<std::size_t> m_firstRows;
    std::size_t m_mask = 0;
};

}  // namespace cityops::engine::batch::detail
