/** Judges: the built-in metric judge and the LangChain4j vision judge, with thresholds that turn scores into verdicts. */
@org.jspecify.annotations.NullMarked
package dev.ditto.agent.judge;
