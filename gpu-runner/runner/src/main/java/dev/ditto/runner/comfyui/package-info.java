/**
 * GENERATE on a ComfyUI server: HTTP API client, the versioned workflow templates (Editto on core nodes, Editto on
 * kijai's WanVideoWrapper, and the four-stage Ditto chain), their settings, and a validator with ComfyUI's own
 * {@code /prompt} rules used as a preflight against the server's {@code /object_info}. See docs/comfyui.md.
 */
@NullMarked
package dev.ditto.runner.comfyui;

import org.jspecify.annotations.NullMarked;
