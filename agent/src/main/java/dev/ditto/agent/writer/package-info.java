/** Instruction writers: the built-in taxonomy grammar and the LangChain4j writer, with the edit-spec rules both obey. */
@org.jspecify.annotations.NullMarked
package dev.ditto.agent.writer;
