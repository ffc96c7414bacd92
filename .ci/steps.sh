# Step timing for the CI scripts, sourced by .ci/install and .ci/run. `step NAME` closes the
# step before it and opens the next; when the script exits, pass or fail, a table of every
# step's minutes is printed, so a slow step is seen at a glance in every run.
if [ -z "${CI_STEPS_LOADED:-}" ]; then
  CI_STEPS_LOADED=1
  ci_names=()
  ci_starts=()
  ci_free=()

  # Free space where the build writes, in GiB: a full disk fails a compile with "No space
  # left on device" half-way through a step, so every step shows what it started with.
  ci_free_gib() {
    df -Pk . | awk 'NR == 2 { printf "%.1f", $4 / 1048576 }'
  }

  step() {
    ci_names+=("$*")
    ci_starts+=("$SECONDS")
    ci_free+=("$(ci_free_gib)")
    printf '\n=== %s (at %d s, %s GiB free)\n' "$*" "$SECONDS" "${ci_free[-1]}"
  }

  ci_table() {
    local status=$? end=$SECONDS i next
    printf '\n| step | minutes | GiB free at start |\n|---|---|---|\n'
    for i in "${!ci_names[@]}"; do
      next=${ci_starts[$((i + 1))]:-$end}
      # awk for one decimal: bash has integers only.
      awk -v s="$((next - ci_starts[i]))" -v n="${ci_names[i]}" -v f="${ci_free[i]}" \
        'BEGIN { printf "| %s | %.1f | %s |\n", n, s / 60, f }'
    done
    awk -v s="$end" -v ok="$status" \
      -v f="$(ci_free_gib)" \
      'BEGIN { printf "| **total** (%s) | %.1f | %s at the end |\n", ok == 0 ? "passed" : "FAILED", s / 60, f }'
  }
  trap ci_table EXIT
fi
