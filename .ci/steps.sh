# Step timing for the CI scripts, sourced by .ci/install and .ci/run. `step NAME` closes the
# step before it and opens the next; when the script exits, pass or fail, a table of every
# step's minutes is printed, so a slow step is seen at a glance in every run.
if [ -z "${CI_STEPS_LOADED:-}" ]; then
  CI_STEPS_LOADED=1
  ci_names=()
  ci_starts=()

  step() {
    ci_names+=("$*")
    ci_starts+=("$SECONDS")
    printf '\n=== %s (at %d s)\n' "$*" "$SECONDS"
  }

  ci_table() {
    local status=$? end=$SECONDS i next
    printf '\n| step | minutes |\n|---|---|\n'
    for i in "${!ci_names[@]}"; do
      next=${ci_starts[$((i + 1))]:-$end}
      # awk for one decimal: bash has integers only.
      awk -v s="$((next - ci_starts[i]))" -v n="${ci_names[i]}" \
        'BEGIN { printf "| %s | %.1f |\n", n, s / 60 }'
    done
    awk -v s="$end" -v ok="$status" \
      'BEGIN { printf "| **total** (%s) | %.1f |\n", ok == 0 ? "passed" : "FAILED", s / 60 }'
  }
  trap ci_table EXIT
fi
