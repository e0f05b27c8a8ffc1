package dev.ditto.runner.comfyui;

import java.io.IOException;

/** ComfyUI refused a workflow or failed while running it; the message carries its own error text. */
public final class ComfyUiException extends IOException {
    public ComfyUiException(String message) {
        super(message);
    }
}
