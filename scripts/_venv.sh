# Sourced by the scripts: `ensure_venv FILE` creates .venv if missing and installs the pinned FILE
# (requirements.txt to run the shop, requirements-dev.txt to test it) when FILE or a file it
# includes with `-r` changed since its last install. Each file has its own stamp in .venv.
PYTHON="${PYTHON:-python3}"

ensure_venv() {
  local file=$1 stamp want
  if [ ! -x .venv/bin/python ]; then
    "$PYTHON" -m venv .venv
    .venv/bin/python -m pip install --quiet --upgrade pip
  fi
  stamp=".venv/.installed-$file.sha256"
  # shellcheck disable=SC2046  # the included file names are single words
  want=$(cat "$file" $(sed -n 's/^-r[[:space:]]*//p' "$file") | sha256sum | cut -d' ' -f1)
  if [ ! -f "$stamp" ] || [ "$(cat "$stamp")" != "$want" ]; then
    echo "installing $file into .venv"
    .venv/bin/python -m pip install --quiet -r "$file"
    echo "$want" > "$stamp"
  fi
}
