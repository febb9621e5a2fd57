#include "cityops/connectors/kafka_settings.h"

#include <algorithm>
#include <cctype>

namespace cityops::connectors {

namespace {

std::string upper(std::string text) {
    std::transform(text.begin(), text.end(), text.begin(),
                   [](unsigned char c) { return static_cast<char>(std::toupper(c)); });
    return text;
}

bool usesSasl(SecurityProtocol p) { return p == SecurityProtocol::SaslPlaintext || p == SecurityProtocol::SaslSsl; }
bool usesTls(SecurityProtocol p) { return p == SecurityProtocol::Ssl || p == SecurityProtocol::SaslSsl; }

}  // namespace

std::string toString(SecurityProtocol protocol) {
    switch (protocol) {
        case SecurityProtocol::Plaintext: return "PLAINTEXT";
        case SecurityProtocol::Ssl: return "SSL";
        case SecurityProtocol::SaslPlaintext: return "SASL_PLAINTEXT";
        case SecurityProtocol::SaslSsl: return "SASL_SSL";
    }
    return "PLAINTEXT";
}

std::string toString(SaslMechanism mechanism) {
    switch (mechanism) {
        case SaslMechanism::Plain: return "PLAIN";
        case SaslMechanism::ScramSha256: return "SCRAM-SHA-256";
        case SaslMechanism::ScramSha512: return "SCRAM-SHA-512";
    }
    return "PLAIN";
}

bool parseSecurityProtocol(const std::string& text, SecurityProtocol& out) {
    for (auto p : {SecurityProtocol::Plaintext, SecurityProtocol::Ssl, SecurityProtocol::SaslPlaintext,
                   SecurityProtocol::SaslSsl}) {
        if (upper(text) == toString(p)) {
            out = p;
            return true;
        }
    }
    return false;
}

bool parseSaslMechanism(const std::string& text, SaslMechanism& out) {
    for (auto m : {SaslMechanism::Plain, SaslMechanism::ScramSha256, SaslMechanism::ScramSha512}) {
        if (upper(text) == toString(m)) {
            out = m;
            return true;
        }
    }
    return false;
}

std::vector<std::string> validate(const KafkaSettings& s) {
    std::vector<std::string> problems;
    if (s.bootstrapServers.find_first_not_of(" ,") == std::string::npos) {
        problems.emplace_back("bootstrap servers are empty: give at least one host:port");
    }
    if (usesSasl(s.protocol) && (s.saslUsername.empty() || s.saslPassword.empty())) {
        problems.emplace_back(toString(s.protocol) + " needs a SASL user name and password");
    }
    if (!usesTls(s.protocol) && (!s.caLocation.empty() || !s.certificateLocation.empty())) {
        problems.emplace_back("certificates are set but the security protocol " + toString(s.protocol) +
                              " does not use TLS");
    }
    if (s.certificateLocation.empty() != s.keyLocation.empty()) {
        problems.emplace_back("a client certificate and its private key must be given together");
    }
    return problems;
}

std::vector<ConfigEntry> toConfig(const KafkaSettings& s) {
    std::vector<ConfigEntry> config{{"bootstrap.servers", s.bootstrapServers},
                                    {"client.id", s.clientId.empty() ? "cityops" : s.clientId},
                                    {"security.protocol", toString(s.protocol)}};
    if (usesTls(s.protocol)) {
        if (!s.caLocation.empty()) config.push_back({"ssl.ca.location", s.caLocation});
        if (!s.certificateLocation.empty()) config.push_back({"ssl.certificate.location", s.certificateLocation});
        if (!s.keyLocation.empty()) config.push_back({"ssl.key.location", s.keyLocation});
    }
    if (usesSasl(s.protocol)) {
        config.push_back({"sasl.mechanisms", toString(s.saslMechanism)});
        config.push_back({"sasl.username", s.saslUsername});
        config.push_back({"sasl.password", s.saslPassword});
    }
    return config;
}

}  // namespace cityops::connectors
