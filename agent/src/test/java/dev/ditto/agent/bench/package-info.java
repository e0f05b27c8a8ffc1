/** Benchmark harness for the agent's offline engines. */
@org.jspecify.annotations.NullMarked
package dev.ditto.agent.bench;
