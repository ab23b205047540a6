// `tickwire audit`: every sequence gap of the captures, before anyone trusts a backtest.
#pragma once

namespace tickwire::cli {

int run_audit_command(int argc, char** argv);

}  // namespace tickwire::cli
