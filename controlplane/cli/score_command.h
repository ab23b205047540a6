// `tickwire score`: pattern signals of journals against the episodes of a generated
// scenario (controlplane/patterns/episode_score.h): recall, false signals and delay per
// template.
#pragma once

namespace tickwire::cli {

int run_score_command(int argc, char** argv);

}  // namespace tickwire::cli
