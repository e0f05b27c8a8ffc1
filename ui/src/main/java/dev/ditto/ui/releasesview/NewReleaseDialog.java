package dev.ditto.ui.releasesview;

import static dev.ditto.ui.releasesview.Formats.id;

import com.vaadin.flow.component.UI;
import com.vaadin.flow.component.button.Button;
import com.vaadin.flow.component.button.ButtonVariant;
import com.vaadin.flow.component.checkbox.Checkbox;
import com.vaadin.flow.component.combobox.MultiSelectComboBox;
import com.vaadin.flow.component.dialog.Dialog;
import com.vaadin.flow.component.formlayout.FormLayout;
import com.vaadin.flow.component.html.Span;
import com.vaadin.flow.component.progressbar.ProgressBar;
import com.vaadin.flow.component.textfield.NumberField;
import com.vaadin.flow.component.textfield.TextArea;
import com.vaadin.flow.component.textfield.TextField;
import dev.ditto.agent.Category;
import dev.ditto.campaigns.Campaign;
import dev.ditto.releases.NewRelease;
import dev.ditto.releases.Release;
import dev.ditto.releases.ReleaseException;
import dev.ditto.releases.ReleaseSelection;
import dev.ditto.releases.ReleaseService;
import dev.ditto.releases.SemanticVersion;
import dev.ditto.releases.Sim2Real;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.function.Consumer;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.security.concurrent.DelegatingSecurityContextRunnable;

/**
 * Builds a new release: its name, a semantic version (suggested from the releases of that name) and the selection
 * of accepted samples (categories, a minimum judge score, campaigns; nothing set takes every accepted sample). The
 * build runs off the UI thread, as the signed-in user, and a refusal is shown in the dialog.
 */
class NewReleaseDialog extends Dialog {
    private static final Logger log = LoggerFactory.getLogger(NewReleaseDialog.class);
    private static final ExecutorService BUILDS = Executors.newFixedThreadPool(2, Thread.ofPlatform().name("release-build-", 1)
            .daemon().factory());

    private final Span error = id(new Span(), "release-error");
    private final ProgressBar building = id(new ProgressBar(), "release-building");
    private final Button build = id(new Button("Build release"), "release-build");
    private final Button cancel = id(new Button("Cancel"), "release-cancel");

    NewReleaseDialog(ReleaseService releases, List<Release> existing, List<Campaign> campaigns, Consumer<Release> built) {
        id(this, "release-dialog");
        setHeaderTitle("New release");
        TextField name = id(new TextField("Name"), "release-name");
        name.setRequired(true);
        name.setHelperText("The dataset's name, e.g. ditto-edits; versions of one name are diffed against each other");
        TextField version = id(new TextField("Semantic version"), "release-version");
        version.setRequired(true);
        version.setPlaceholder("1.0.0");
        version.setHelperText("MAJOR.MINOR.PATCH, higher than the last version of this name");
        // the suggested next version follows the name until the person types a version of their own
        boolean[] typedByHand = {false};
        version.addValueChangeListener(e -> typedByHand[0] |= e.isFromClient() && !e.getValue().isBlank());
        name.addValueChangeListener(e -> {
            boolean untouched = !typedByHand[0] && (version.isEmpty()
                    || version.getValue().equals(Formats.nextVersion(e.getOldValue() == null ? "" : e.getOldValue(), existing)));
            if (!e.getValue().isBlank() && untouched) {
                version.setValue(Formats.nextVersion(e.getValue(), existing));
            }
        });
        existing.stream().findFirst().ifPresent(latest -> name.setValue(latest.name()));

        MultiSelectComboBox<Category> categories = id(new MultiSelectComboBox<>("Categories"), "release-categories");
        categories.setItems(Category.values());
        categories.setItemLabelGenerator(Category::wireName);
        categories.setPlaceholder("all categories");
        NumberField minScore = id(new NumberField("Minimum judge score"), "release-min-score");
        minScore.setMin(0);
        minScore.setStep(0.1);
        minScore.setPlaceholder("any");
        minScore.setClearButtonVisible(true);
        MultiSelectComboBox<Campaign> campaignIds = id(new MultiSelectComboBox<>("Campaigns"), "release-campaigns");
        campaignIds.setItems(campaigns);
        campaignIds.setItemLabelGenerator(c -> "#" + c.id() + " " + c.name());
        campaignIds.setPlaceholder("all campaigns");
        Checkbox sim2real = id(new Checkbox("Also ship the sim2real subset"), "release-sim2real");
        Sim2Real rule = sim2realRule(releases);
        sim2real.setHelperText(rule == null ? "The sim2real settings are invalid; fix them under Settings"
                : "The reverse pairs of the " + String.join(", ", rule.categories().stream()
                        .map(c -> Category.parse(c).map(Category::wireName).orElse(c)).toList())
                + " samples (stylised video → real source), as Ditto-1M's sim2real.csv; the rule is an admin setting");
        TextArea notes = id(new TextArea("Release notes"), "release-notes");
        notes.setHelperText("Optional; the diff from the previous version is added to them");

        FormLayout form = new FormLayout(name, version, categories, minScore, campaignIds, sim2real, notes);
        form.setColspan(campaignIds, 2);
        form.setColspan(sim2real, 2);
        form.setColspan(notes, 2);
        form.setResponsiveSteps(new FormLayout.ResponsiveStep("0", 1), new FormLayout.ResponsiveStep("30em", 2));
        Span hint = new Span("Only accepted samples are released; every filter that is set must match.");
        hint.getStyle().set("color", "var(--lumo-secondary-text-color)").set("font-size", "var(--lumo-font-size-s)");
        error.getStyle().set("color", "var(--lumo-error-text-color)").set("white-space", "pre-line");
        building.setIndeterminate(true);
        building.setVisible(false);
        add(form, hint, building, error);

        build.addThemeVariants(ButtonVariant.LUMO_PRIMARY);
        build.addClickListener(e -> {
            error.setText("");
            String v = version.getValue().strip();
            if (name.getValue().isBlank()) {
                error.setText("A release needs a name.");
                return;
            }
            try {
                SemanticVersion.parse(v);
            } catch (IllegalArgumentException ex) {
                error.setText(ex.getMessage());
                return;
            }
            ReleaseSelection selection = new ReleaseSelection(
                    categories.getValue().stream().map(Category::name).sorted().toList(), minScore.getValue(),
                    campaignIds.getValue().stream().map(Campaign::id).sorted().toList(), null);
            NewRelease request = new NewRelease(name.getValue().strip(), v, selection,
                    notes.getValue().isBlank() ? null : notes.getValue(), sim2real.getValue());
            start(releases, request, built);
        });
        cancel.addClickListener(e -> close());
        getFooter().add(cancel, build);
        setWidth("min(48em, 95vw)");
    }

    private static @Nullable Sim2Real sim2realRule(ReleaseService releases) {
        try {
            return releases.sim2realRule();
        } catch (ReleaseException | IllegalArgumentException e) {
            return null;
        }
    }

    private void start(ReleaseService releases, NewRelease request, Consumer<Release> built) {
        UI ui = UI.getCurrent();
        busy(true);
        BUILDS.submit(new DelegatingSecurityContextRunnable(() -> {
            Release release = null;
            String failure = null;
            try {
                release = releases.build(request);
            } catch (ReleaseException | IllegalArgumentException ex) {
                failure = ex.getMessage();
            } catch (RuntimeException ex) {
                log.warn("Building release {} {} failed", request.name(), request.version(), ex);
                failure = "The release could not be built: " + ex.getMessage();
            }
            Release done = release;
            String message = failure;
            ui.access(() -> finished(done, message, built));
        }));
    }

    private void finished(@Nullable Release release, @Nullable String failure, Consumer<Release> built) {
        busy(false);
        if (release == null) {
            error.setText(failure == null ? "The release could not be built." : failure);
            return;
        }
        if (release.state() == Release.State.FAILED) {
            error.setText("Release " + release.name() + " " + release.version() + " failed to build"
                    + (release.error() == null ? "." : ": " + release.error()));
            return;
        }
        close();
        built.accept(release);
    }

    private void busy(boolean on) {
        building.setVisible(on);
        build.setEnabled(!on);
        build.setText(on ? "Building…" : "Build release");
        setCloseOnEsc(!on);
        setCloseOnOutsideClick(!on);
    }
}
