#pragma once
// Internal helpers shared by the Kafka clients: configuration from KafkaSettings, the last error
// librdkafka reported through its callbacks, and RAII for handles.

#include <librdkafka/rdkafka.h>

#include <memory>
#include <mutex>
#include <string>
#include <vector>

#include "cityops/connectors/kafka_settings.h"
#include "cityops/engine/log/log_result.h"

namespace cityops::connectors::kafka_detail {

//! The last error librdkafka reported (error_cb), so failures can name the broker's reason.
struct ErrorState {
    mutable std::mutex mutex;
    std::string lastError;
    bool fatal = false;
    bool authentication = false;  //!< SASL/SSL authentication failed
    void* owner = nullptr;        //!< the client's Impl (for callbacks sharing the opaque)
    //! The last error after serving pending callbacks of rk (error_cb runs from rd_kafka_poll).
    std::string lastAfterPoll(rd_kafka_t* rk) const {
        if (rk != nullptr) rd_kafka_poll(rk, 0);
        return last();
    }
    std::string last() const {
        std::lock_guard lock(mutex);
        return lastError;
    }
};

//! Installs error_cb (into state) and a silent log_cb on conf.
void installErrorCallbacks(rd_kafka_conf_t* conf, ErrorState* state);

//! A librdkafka configuration from the settings plus extra properties (later ones win).
//! Returns nullptr and sets error when a property is refused or the settings are invalid.
rd_kafka_conf_t* makeConf(const KafkaSettings& settings, const std::vector<ConfigEntry>& extra, std::string& error);

struct HandleDeleter {
    void operator()(rd_kafka_t* rk) const {
        if (rk != nullptr) rd_kafka_destroy(rk);
    }
};
using Handle = std::unique_ptr<rd_kafka_t, HandleDeleter>;

struct PartitionListDeleter {
    void operator()(rd_kafka_topic_partition_list_t* list) const {
        if (list != nullptr) rd_kafka_topic_partition_list_destroy(list);
    }
};
using PartitionList = std::unique_ptr<rd_kafka_topic_partition_list_t, PartitionListDeleter>;

//! An engine::log error with code Io and the message.
engine::log::LogError ioError(std::string message);

//! The 8-byte little-endian key the sink writes (the engine's partitioning key).
void encodeKey(std::uint64_t key, unsigned char out[8]);
//! The key back from 8 bytes; other lengths are hashed (FNV-1a), an absent key is 0.
std::uint64_t decodeKey(const void* data, std::size_t size);

//! Header name carrying the record's flags (4 bytes little-endian).
inline constexpr const char* kFlagsHeader = "cityops-flags";

}  // namespace cityops::connectors::kafka_detail
