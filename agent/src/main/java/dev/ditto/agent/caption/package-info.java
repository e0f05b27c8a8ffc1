/**
 * Dense captions of source videos: the built-in caption composed from what the probe measured, and the LangChain4j
 * vision captioner that looks at several key frames across the video. Captions are untrusted data downstream.
 */
@org.jspecify.annotations.NullMarked
package dev.ditto.agent.caption;
