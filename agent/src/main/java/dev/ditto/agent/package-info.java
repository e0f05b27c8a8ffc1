/** Shared value types of the agent: sources' facts, categories, instruction drafts and the prompt-text validator. */
@org.jspecify.annotations.NullMarked
package dev.ditto.agent;
