package dev.ditto.ui.admin;

import static dev.ditto.ui.admin.Ids.id;

import com.vaadin.flow.component.button.Button;
import com.vaadin.flow.component.button.ButtonVariant;
import com.vaadin.flow.component.html.Div;
import com.vaadin.flow.component.html.H2;
import com.vaadin.flow.component.html.H3;
import com.vaadin.flow.component.html.Paragraph;
import com.vaadin.flow.component.html.Span;
import com.vaadin.flow.component.icon.VaadinIcon;
import com.vaadin.flow.component.orderedlayout.FlexComponent;
import com.vaadin.flow.component.orderedlayout.HorizontalLayout;
import com.vaadin.flow.component.orderedlayout.VerticalLayout;
import com.vaadin.flow.component.textfield.TextArea;
import com.vaadin.flow.component.textfield.TextField;
import com.vaadin.flow.router.Menu;
import com.vaadin.flow.router.PageTitle;
import com.vaadin.flow.router.Route;
import dev.ditto.imports.ImportItem;
import dev.ditto.imports.ImportRefusedException;
import dev.ditto.imports.ImportReport;
import dev.ditto.imports.ImportService;
import jakarta.annotation.security.RolesAllowed;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.function.Supplier;

/**
 * Bulk imports for admins: every video under a server folder inside the configured roots, or a list of http(s)
 * URLs (public addresses only, size-limited, with timeouts). One result line per file or URL.
 */
@Route("admin/imports")
@PageTitle("Imports · Ditto")
@Menu(title = "Imports", order = 83, icon = "vaadin:download")
@RolesAllowed("ADMIN")
public class ImportsView extends VerticalLayout {
    private final ImportService imports;
    private final Span summary = id(new Span(), "import-summary");
    private final VerticalLayout results = id(new VerticalLayout(), "import-results");

    public ImportsView(ImportService imports) {
        this.imports = imports;
        setWidthFull();
        List<Path> roots = imports.roots();
        Span rootsText = id(new Span(roots.isEmpty() ? "Folder import is disabled: no folder is configured in ditto.imports.roots."
                : "Allowed roots: " + String.join(", ", roots.stream().map(Path::toString).toList())), "import-roots");
        TextField folder = id(new TextField("Server folder (absolute path)"), "import-folder-path");
        folder.setWidth("36em");
        folder.setEnabled(!roots.isEmpty());
        if (!roots.isEmpty()) {
            folder.setValue(roots.getFirst().toString());
        }
        Button importFolder = id(new Button("Import folder"), "import-folder-start");
        importFolder.addThemeVariants(ButtonVariant.LUMO_PRIMARY);
        importFolder.setEnabled(!roots.isEmpty());
        importFolder.addClickListener(e -> run(() -> imports.importFolder(folder.getValue())));
        HorizontalLayout folderRow = new HorizontalLayout(folder, importFolder);
        folderRow.setAlignItems(FlexComponent.Alignment.BASELINE);

        var limits = imports.urlLimits();
        TextArea urls = id(new TextArea("URLs, one per line"), "import-urls");
        urls.setWidth("min(60em, 100%)");
        urls.setMinHeight("8em");
        urls.setPlaceholder("https://example.org/videos/clip.mp4");
        Button importUrls = id(new Button("Import URLs"), "import-urls-start");
        importUrls.addThemeVariants(ButtonVariant.LUMO_PRIMARY);
        importUrls.addClickListener(e -> run(() -> imports.importUrls(Arrays.asList(urls.getValue().split("\\R")))));
        Paragraph urlRules = new Paragraph("http and https only, public addresses only (no loopback, private, link-local or "
                + "unique-local targets, also not through redirects), at most " + limits.maxBytes() / (1024 * 1024) + " MB each, "
                + "connect timeout " + limits.connectTimeout().toSeconds() + " s, read timeout " + limits.readTimeout().toSeconds()
                + " s, up to " + imports.maxUrls() + " URLs at a time.");
        urlRules.getStyle().set("font-size", "var(--lumo-font-size-s)").set("color", "var(--lumo-secondary-text-color)");
        results.setPadding(false);
        results.setSpacing(false);
        add(new H2("Imports"), new H3("From a server folder"), rootsText, folderRow,
                new H3("From URLs"), urlRules, urls, importUrls, new H3("Results"), summary, results);
    }

    private void run(Supplier<ImportReport> importer) {
        results.removeAll();
        try {
            ImportReport report = importer.get();
            summary.setText(report.imported() + " imported, " + report.alreadyPresent() + " already present, "
                    + report.refused() + " refused.");
            for (ImportItem item : report.items()) {
                results.add(line(item));
            }
        } catch (ImportRefusedException ex) {
            summary.setText("");
            Span error = id(new Span(ex.getMessage()), "import-error");
            error.getStyle().set("color", "var(--lumo-error-text-color)");
            results.add(error);
        }
    }

    private static Div line(ImportItem item) {
        var icon = item.ok() ? VaadinIcon.CHECK_CIRCLE.create() : VaadinIcon.WARNING.create();
        icon.setSize("var(--lumo-icon-size-s)");
        icon.setColor(item.ok() ? "var(--lumo-success-color)" : "var(--lumo-error-color)");
        String text = switch (item.outcome()) {
            case IMPORTED -> item.item() + ": imported as source " + item.sourceId() + "; probing queued.";
            case ALREADY_PRESENT -> item.item() + ": already here as source " + item.sourceId() + ".";
            case REFUSED -> item.item() + ": " + stripPrefix(item.item(), String.valueOf(item.error()));
        };
        Span span = new Span(text);
        if (!item.ok()) {
            span.getStyle().set("color", "var(--lumo-error-text-color)");
        }
        Div row = id(new Div(icon, span), "import-result");
        row.getElement().setAttribute("data-outcome", item.outcome().name());
        row.getElement().setAttribute("data-item", item.item());
        row.getStyle().set("display", "flex").set("gap", "var(--lumo-space-s)").set("align-items", "center");
        return row;
    }

    private static String stripPrefix(String item, String error) {
        return error.startsWith(item + ": ") ? error.substring(item.length() + 2) : error;
    }
}
