#include "run_config_check.h"
#include "../../machine/run_machine.h"

uint64_t check_run_config(const RunConfig *config) {
  ConfigRule rule;
  uint64_t rc = run_config_validate(config, &rule);
  if (rc) sol_log_(rule.text, rule.len);
  return rc;
}
