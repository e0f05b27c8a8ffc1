/** GENERATE on a ComfyUI server: HTTP API client and the versioned Wan2.1-VACE + Ditto workflow. */
@NullMarked
package dev.ditto.runner.comfyui;

import org.jspecify.annotations.NullMarked;
