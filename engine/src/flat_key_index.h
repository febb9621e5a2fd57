#pragma once

#include <cstddef>
#include <cstdint>
#include <vector>

namespace cityops::engine::detail {

//! Open-addressing map from a 64-bit key to a dense 32-bit index. clear() keeps the table, so a
//! window or rule state that is refilled every period allocates only when it outgrows its peak.
class FlatKeyIndex {
public:
    static constexpr std::uint32_t kAbsent = 0xffffffffu;

    std::uint32_t find(std::uint64_t key) const {
        if (m_slots.empty()) {
            return kAbsent;
        }
        for (std::size_t i = slotOf(key);; i = (i + 1) & m_mask) {
            const Slot& slot = m_slots[i];
            if (slot.index == kAbsent) {
                return kAbsent;
            }
            if (slot.key == key) {
                return slot.index;
            }
        }
    }

    //! Returns the index stored for key, or stores and returns newIndex when the key is new.
    std::uint32_t findOrInsert(std::uint64_t key, std::uint32_t newIndex) {
        if ((m_size + 1) * 2 > m_slots.size()) {
            grow();
        }
        for (std::size_t i = slotOf(key);; i = (i + 1) & m_mask) {
            Slot& slot = m_slots[i];
            if (slot.index == kAbsent) {
                slot = Slot{key, newIndex};
                ++m_size;
                return newIndex;
            }
            if (slot.key == key) {
                return slot.index;
            }
        }
    }

    void clear() {
        if (m_size == 0) {
            return;
        }
        for (Slot& slot : m_slots) {
            slot.index = kAbsent;
        }
        m_size = 0;
    }

    std::size_t size() const { return m_size; }

private:
    struct Slot {
        std::uint64_t key = 0;
        std::uint32_t index = kAbsent;
    };

    std::size_t slotOf(std::uint64_t key) const {
        key ^= key >> 33;
        key *= 0xff51afd7ed558ccdULL;
        key ^= key >> 33;
        return static_cast<std::size_t>(key) & m_mask;
    }

    void grow() {
        std::vector<Slot> old;
        old.swap(m_slots);
        const std::size_t capacity = old.empty() ? 64 : old.size() * 2;
        m_slots.assign(capacity, Slot{});
        m_mask = capacity - 1;
        m_size = 0;
        for (const Slot& slot : old) {
            if (slot.index != kAbsent) {
                findOrInsert(slot.key, slot.index);
            }
        }
    }

    std::vector<Slot> m_slots;
    std::size_t m_mask = 0;
    std::size_t m_size = 0;
};

}  // namespace cityops::engine::detail
