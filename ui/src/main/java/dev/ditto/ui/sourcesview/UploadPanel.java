package dev.ditto.ui.sourcesview;

import static dev.ditto.ui.sourcesview.TestIds.id;

import com.vaadin.flow.component.UI;
import com.vaadin.flow.component.html.Div;
import com.vaadin.flow.component.html.Span;
import com.vaadin.flow.component.icon.VaadinIcon;
import com.vaadin.flow.component.orderedlayout.VerticalLayout;
import com.vaadin.flow.component.upload.Upload;
import com.vaadin.flow.server.streams.UploadEvent;
import com.vaadin.flow.server.streams.UploadHandler;
import com.vaadin.flow.server.VaadinResponse;
import com.vaadin.flow.server.streams.UploadResult;
import dev.ditto.blobs.BlobStore;
import dev.ditto.sources.IngestException;
import dev.ditto.sources.IngestResult;
import dev.ditto.sources.SourceProperties;
import dev.ditto.sources.SourceService;
import java.io.IOException;
import java.io.InputStream;

/**
 * Drag-and-drop upload of several videos at once. Each file is streamed from the request straight into
 * {@link SourceService#ingest} (never held in memory or a temporary file of ours); the upload component shows a
 * progress bar per file, and the list below says what became of each: a new source, one already present, or
 * the reason it was refused. A refused file does not stop the others.
 */
class UploadPanel extends VerticalLayout {
    /** Set on the upload's request thread when the blob store's disk was full, read when the answer is written. */
    private static final ThreadLocal<String> DISK_FULL = new ThreadLocal<>();

    private final SourceService sources;
    private final VerticalLayout results = id(new VerticalLayout(), "upload-results");
    private final Runnable onIngested;

    UploadPanel(SourceService sources, int maxConcurrentUploads, Runnable onIngested) {
        SourceProperties properties = sources.properties();
        this.sources = sources;
        this.onIngested = onIngested;
        setPadding(false);
        setSpacing(false);
        long maxBytes = properties.maxUploadBytes();

        Upload upload = id(new Upload(new UploadHandler() {
            @Override
            public void handleUploadRequest(UploadEvent event) throws IOException {
                receive(event);
            }

            @Override
            public void responseHandled(UploadResult result) {
                String full = DISK_FULL.get();
                DISK_FULL.remove();
                if (full == null) {
                    UploadHandler.super.responseHandled(result);
                    return;
                }
                // the blob store's disk is full: 507 with the reason, as the REST upload answers
                VaadinResponse response = result.response();
                response.setStatus(507);
                response.setContentType("application/problem+json");
                try {
                    response.getWriter().write("{\"type\":\"https://ditto.dev/problems/insufficient-storage\","
                            + "\"title\":\"Insufficient Storage\",\"status\":507,\"detail\":\""
                            + full.replace("\\", "\\\\").replace("\"", "\\\"") + "\"}");
                } catch (IOException e) {
                    // the status is what matters; the panel already shows the reason
                }
            }
        }), "upload");
        upload.setDropAllowed(true);
        upload.setAutoUpload(true);
        upload.setMaxFiles(100);
        // the server refuses (429) more uploads at once than this; the component queues the rest instead
        upload.getElement().setProperty("maxConcurrentUploads", maxConcurrentUploads);
        upload.setMaxFileSize((int) Math.min(Integer.MAX_VALUE, maxBytes));
        upload.setWidthFull();
        upload.addFileRejectedListener(e -> result(e.getFileName(), "rejected",
                e.getFileName() + ": " + (e.getErrorMessage().toLowerCase().contains("size") || e.getErrorMessage().toLowerCase().contains("big")
                        ? "too large: the limit is " + properties.maxUploadMb() + " MB (ditto.sources.max-upload-mb)."
                        : e.getErrorMessage())));
        Span limit = id(new Span("Drop videos here or pick them: up to " + properties.maxUploadMb()
                + " MB each (ditto.sources.max-upload-mb); mp4, mov, avi, mkv, webm, flv, mpeg, ogg or asf. Each new source is probed: cut into "
                + properties.format().frames() + "-frame clips at " + properties.width() + "×" + properties.height() + ", "
                + properties.fps() + " fps."), "upload-limit");
        limit.getStyle().set("font-size", "var(--lumo-font-size-s)").set("color", "var(--lumo-secondary-text-color)");
        results.setPadding(false);
        results.setSpacing(false);
        add(limit, upload, results);
    }

    /** Runs on the upload request's thread, outside the session lock: stream, ingest, then report under the lock. */
    private void receive(UploadEvent event) throws IOException {
        DISK_FULL.remove(); // whatever an earlier request on this thread left
        UI ui = event.getUI();
        String name = event.getFileName();
        SourceProperties limits = sources.properties();
        if (event.getFileSize() > limits.maxUploadBytes()) { // declared by the browser: refuse before reading a byte
            String reason = name + ": too large: the limit is " + limits.maxUploadMb() + " MB (ditto.sources.max-upload-mb).";
            event.reject(reason);
            ui.access(() -> result(name, "rejected", reason));
            return;
        }
        try (InputStream in = event.getInputStream()) {
            IngestResult result = sources.ingest(in, name, SourceService.Origin.UPLOAD, name, event.getFileSize());
            ui.access(() -> {
                result(name, result.duplicate() ? "duplicate" : "ok", result.duplicate()
                        ? name + ": already here as source " + result.sourceId() + " (same bytes); nothing new queued."
                        : name + ": stored as source " + result.sourceId() + " (" + result.sizeBytes() / 1024 + " KB); probing queued.");
                onIngested.run();
            });
        } catch (IngestException e) {
            if (e.getCause() instanceof BlobStore.InsufficientStorageException) {
                DISK_FULL.set(e.getMessage());
            }
            event.reject(e.getMessage());
            ui.access(() -> result(name, "rejected", e.getMessage()));
        } catch (RuntimeException e) {
            event.reject(name + ": could not be stored (" + e.getMessage() + ").");
            ui.access(() -> result(name, "rejected", name + ": could not be stored (" + e.getMessage() + ")."));
        }
    }

    private void result(String fileName, String status, String message) {
        var icon = switch (status) {
            case "ok" -> VaadinIcon.CHECK_CIRCLE.create();
            case "duplicate" -> VaadinIcon.COPY_O.create();
            default -> VaadinIcon.WARNING.create();
        };
        icon.setSize("var(--lumo-icon-size-s)");
        icon.setColor(status.equals("rejected") ? "var(--lumo-error-color)" : "var(--lumo-success-color)");
        Span text = new Span(message);
        Div row = id(new Div(icon, text), "upload-status");
        row.getElement().setAttribute("data-file", fileName);
        row.getElement().setAttribute("data-status", status);
        row.getStyle().set("display", "flex").set("gap", "var(--lumo-space-s)").set("align-items", "center")
                .set("font-size", "var(--lumo-font-size-s)");
        if (status.equals("rejected")) {
            text.getStyle().set("color", "var(--lumo-error-text-color)");
        }
        results.addComponentAsFirst(row);
    }
}
