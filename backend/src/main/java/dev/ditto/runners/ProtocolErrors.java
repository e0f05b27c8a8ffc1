package dev.ditto.runners;

import dev.ditto.protocol.ProtocolError;
import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;
import org.springframework.http.MediaType;
import tools.jackson.databind.ObjectMapper;

/** Writes a {@link ProtocolError} straight to a servlet response (for answers given before MVC runs). */
final class ProtocolErrors {
    private ProtocolErrors() {}

    static void write(HttpServletResponse response, ObjectMapper json, int status, String error, String message)
            throws IOException {
        response.setStatus(status);
        response.setContentType(MediaType.APPLICATION_JSON_VALUE);
        response.setCharacterEncoding("UTF-8");
        if (status == HttpServletResponse.SC_UNAUTHORIZED) {
            response.setHeader("WWW-Authenticate", "Bearer realm=\"ditto-runner\"");
        }
        response.getWriter().write(json.writeValueAsString(new ProtocolError(status, error, message)));
    }
}
