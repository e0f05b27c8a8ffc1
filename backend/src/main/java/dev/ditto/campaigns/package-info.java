/**
 * Instruction campaigns: the agent writes diverse instructions for selected sources in the background, each
 * becoming a sample with a GENERATE job; and the wiring of the agent's engines from configuration.
 */
@NullMarked
package dev.ditto.campaigns;

import org.jspecify.annotations.NullMarked;
