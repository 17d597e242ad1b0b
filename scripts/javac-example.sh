#!/usr/bin/env bash
# Builds and runs a workflow with plain javac and java, no build tool: Maven only fetches the jars.
#
#   mvn -q install -DskipTests          # once, from the repository root
#   bash scripts/javac-example.sh       # work folder: target/javac-example (or give one)
#
# The processor and JavaPoet go on -processorpath; the annotations, the runtime, Failsafe and
# Caffeine on the class path (-cp before -processorpath: ECJ misreads the other order). Each
# command is printed before it runs; any failure stops the script with a message.
set -Eeuo pipefail
trap 'echo "javac-example.sh: FAILED (exit $?) at line $LINENO: $BASH_COMMAND" >&2' ERR

cd "$(dirname "$0")/.."
root="$PWD"
work="${1:-$root/target/javac-example}"

# The versions of pom.xml, spelled out so that the commands below can be copied as they are.
TTA=0.1.0-SNAPSHOT
FAILSAFE=3.3.2
CAFFEINE=3.2.2
JAVAPOET=0.22.0
DEPENDENCY_PLUGIN=org.apache.maven.plugins:maven-dependency-plugin:3.11.0

pom_version="$(sed -n 's:^  <version>\(.*\)</version>$:\1:p' pom.xml | head -n 1)"
for pair in "project:$pom_version:$TTA" \
  "failsafe.version:$(sed -n 's:.*<failsafe.version>\(.*\)</failsafe.version>.*:\1:p' pom.xml):$FAILSAFE" \
  "caffeine.version:$(sed -n 's:.*<caffeine.version>\(.*\)</caffeine.version>.*:\1:p' pom.xml):$CAFFEINE" \
  "javapoet.version:$(sed -n 's:.*<javapoet.version>\(.*\)</javapoet.version>.*:\1:p' pom.xml):$JAVAPOET"; do
  IFS=: read -r name in_pom here <<<"$pair"
  if [ "$in_pom" != "$here" ]; then
    echo "javac-example.sh: pom.xml has $name '$in_pom', this script '$here': update the script" >&2
    exit 1
  fi
done

# javac and java of JAVA_HOME when it is set, else those on the PATH.
JAVAC="${JAVA_HOME:+$JAVA_HOME/bin/}javac"
JAVA="${JAVA_HOME:+$JAVA_HOME/bin/}java"

run() {
  echo "+ $*"
  local status=0
  "$@" || status=$?
  if [ "$status" != 0 ]; then
    echo "javac-example.sh: FAILED (exit $status): $*" >&2
    exit "$status"
  fi
}

rm -rf "$work"
mkdir -p "$work/src/demo"
cp scripts/javac-example/src/demo/WordStats.java "$work/src/demo/"
cd "$work"
echo "# in $work"

# 1. The jars, from the local Maven repository (or Maven Central for the third-party ones).
for artifact in \
  "dev.tta:tta-primitives-annotations:$TTA" \
  "dev.tta:tta-primitives-runtime:$TTA" \
  "dev.failsafe:failsafe:$FAILSAFE" \
  "com.github.ben-manes.caffeine:caffeine:$CAFFEINE"; do
  run mvn -B -ntp -q "$DEPENDENCY_PLUGIN:copy" -Dartifact="$artifact" -DoutputDirectory=lib
done
for artifact in \
  "dev.tta:tta-primitives-processor:$TTA" \
  "com.palantir.javapoet:javapoet:$JAVAPOET"; do
  run mvn -B -ntp -q "$DEPENDENCY_PLUGIN:copy" -Dartifact="$artifact" -DoutputDirectory=processor
done

CP="lib/tta-primitives-annotations-$TTA.jar:lib/tta-primitives-runtime-$TTA.jar:lib/failsafe-$FAILSAFE.jar:lib/caffeine-$CAFFEINE.jar"
PP="processor/tta-primitives-processor-$TTA.jar:processor/javapoet-$JAVAPOET.jar"

# 2. Compile: the processor generates demo/WordStatsWorkflow.java next to the user's class.
run "$JAVAC" --release 17 -Xlint:all,-processing -Werror \
  -cp "$CP" \
  -processorpath "$PP" \
  -d classes src/demo/WordStats.java
if [ ! -f classes/demo/WordStatsWorkflow.class ]; then
  echo "javac-example.sh: javac produced no demo/WordStatsWorkflow.class" >&2
  exit 1
fi

# 3. Run it.
echo "+ $JAVA -cp classes:$CP demo.WordStats 'the quick brown fox'"
output="$("$JAVA" -cp "classes:$CP" demo.WordStats "the quick brown fox")"
echo "$output"
if [ "$output" != "4 quick" ]; then
  echo "javac-example.sh: expected '4 quick', got '$output'" >&2
  exit 1
fi
echo "javac-example.sh: OK"
