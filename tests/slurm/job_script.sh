#!/bin/bash
# Prints the Slurm job array script of docs/explore.md, as tests/slurm/run.sh submits it: so that what is tested
# is what the documentation shows. Two changes, each checked to apply:
#   - `--variants all` becomes `--variants VARIANTS`, or goes when VARIANTS is empty (the presets);
#   - `--no-timing` is added, so that the merged report can be compared byte for byte.
# The array's size is sbatch's --array on the command line, which overrides the script's #SBATCH line.
# usage: job_script.sh DOC.md [VARIANTS]
set -euo pipefail
doc=$1
variants=${2:-}

# The first ```bash block with an #SBATCH line.
script=$(awk '
  /^```bash$/ { inside = 1; block = ""; next }
  /^```$/ && inside { inside = 0; if (block ~ /\n#SBATCH/) { printf "%s", block; exit } next }
  inside { block = block $0 "\n" }
' "$doc")
if [ -z "$script" ]; then
  echo "job_script.sh: $doc has no \`\`\`bash block with #SBATCH lines" >&2
  exit 1
fi
command='daxfail explore --variants all --shard'
if ! grep -qF -- "$command" <<< "$script"; then
  echo "job_script.sh: the script of $doc no longer runs '$command ...'; update tests/slurm/job_script.sh" >&2
  exit 1
fi
replacement='daxfail explore --no-timing'
if [ -n "$variants" ]; then
  printf -v quoted %q "$variants"  # a list with ';' or spaces stays one word
  replacement+=" --variants $quoted"
fi
printf '%s\n' "${script//"$command"/"$replacement --shard"}"
