#include <daxfail/daxfail.hpp>

int main() {
  using P0 = daxfail::presets::pre_patch;
  using P1 = daxfail::presets::v12;
  using P2 = daxfail::presets::v12_reviewed;
  using P3 = daxfail::presets::merged;
  using P4 = daxfail::presets::v6_14;
  using P5 = daxfail::presets::debian_6_1;
  (void)sizeof(P0);
  (void)sizeof(P1);
  (void)sizeof(P2);
  (void)sizeof(P3);
  (void)sizeof(P4);
  (void)sizeof(P5);
  return 0;
}
