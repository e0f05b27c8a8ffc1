/** Diversity: in-process sentence embeddings, near-duplicate rejection, MMR selection and campaign reports. */
@org.jspecify.annotations.NullMarked
package dev.ditto.agent.diversity;
