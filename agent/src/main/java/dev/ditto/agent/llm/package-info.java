/** Plumbing shared by the LangChain4j engines: model endpoints, retry budgets and the handling of untrusted text. */
@org.jspecify.annotations.NullMarked
package dev.ditto.agent.llm;
