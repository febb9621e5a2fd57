#pragma once

#include <chrono>
#include <string>
#include <vector>

#include "cityops/connectors/gateway/gateway.h"

namespace cityops::app {

//! What the cityops-gateway command line asks for.
struct GatewayCommand {
    enum class Action { Run, Help, Version };
    Action action = Action::Run;
    connectors::gateway::GatewayConfig gateway;
    std::string logDir;
    std::string kafkaBootstrap;  //!< forward to this Kafka cluster instead of the embedded log
    std::chrono::milliseconds statsInterval{10'000};  //!< 0: only the final line
};

//! Parses cityops-gateway's arguments (without argv[0]). Returns "" and fills command, or one message
//! naming the option and the problem.
std::string parseGatewayCommand(const std::vector<std::string>& args, GatewayCommand& command);

//! The --help text.
std::string gatewayUsage();

}  // namespace cityops::app
