#pragma once

#include <chrono>
#include <string>
#include <vector>

namespace cityops::connectors {

//! How the client talks to the brokers (librdkafka's security.protocol).
enum class SecurityProtocol { Plaintext, Ssl, SaslPlaintext, SaslSsl };
//! SASL mechanism (librdkafka's sasl.mechanisms).
enum class SaslMechanism { Plain, ScramSha256, ScramSha512 };

//! Connection settings of a Kafka cluster. Secrets are filled in from the keychain by the caller
//! and never written to settings files.
struct KafkaSettings {
    std::string bootstrapServers;  //!< "host1:9092,host2:9092"
    std::string clientId = "cityops";
    SecurityProtocol protocol = SecurityProtocol::Plaintext;
    std::string caLocation;           //!< PEM file of the CA (SSL, SASL_SSL)
    std::string certificateLocation;  //!< client certificate (mutual TLS)
    std::string keyLocation;          //!< client private key (mutual TLS)
    SaslMechanism saslMechanism = SaslMechanism::Plain;
    std::string saslUsername;
    std::string saslPassword;
};

//! A librdkafka configuration property produced from KafkaSettings.
struct ConfigEntry {
    std::string key;
    std::string value;
};

//! Settings problems found before any network traffic: an empty bootstrap list, missing SASL
//! credentials, a certificate without a key, ... Empty when the settings are usable.
std::vector<std::string> validate(const KafkaSettings& settings);
//! The librdkafka properties for the settings (passwords included: keep the result in memory only).
std::vector<ConfigEntry> toConfig(const KafkaSettings& settings);

std::string toString(SecurityProtocol protocol);  //!< "PLAINTEXT", "SSL", "SASL_PLAINTEXT", "SASL_SSL"
std::string toString(SaslMechanism mechanism);    //!< "PLAIN", "SCRAM-SHA-256", "SCRAM-SHA-512"
//! Parses the names above (case-insensitive); false when unknown.
bool parseSecurityProtocol(const std::string& text, SecurityProtocol& out);
bool parseSaslMechanism(const std::string& text, SaslMechanism& out);

//! The outcome of a "test connection": a clear status for the operator and the broker's error in words.
struct ConnectionReport {
    bool ok = false;
    std::string message;               //!< one line: what worked, or what failed and why
    int brokerCount = 0;
    std::vector<std::string> brokers;  //!< "id@host:port"
    std::vector<std::string> topics;   //!< topic names the cluster reported, sorted
};

//! Connects with the settings and asks the cluster for its metadata within timeout.
ConnectionReport testConnection(const KafkaSettings& settings, std::chrono::milliseconds timeout);

}  // namespace cityops::connectors
