package dev.ditto.ui.admin;

import static dev.ditto.ui.admin.Ids.id;

import com.vaadin.flow.component.button.Button;
import com.vaadin.flow.component.button.ButtonVariant;
import com.vaadin.flow.component.html.H2;
import com.vaadin.flow.component.html.H3;
import com.vaadin.flow.component.html.Paragraph;
import com.vaadin.flow.component.html.Span;
import com.vaadin.flow.component.orderedlayout.FlexComponent;
import com.vaadin.flow.component.orderedlayout.HorizontalLayout;
import com.vaadin.flow.component.orderedlayout.VerticalLayout;
import com.vaadin.flow.component.textfield.PasswordField;
import com.vaadin.flow.component.textfield.TextField;
import com.vaadin.flow.component.AbstractField;
import com.vaadin.flow.component.HasValue;
import com.vaadin.flow.router.Menu;
import com.vaadin.flow.router.PageTitle;
import com.vaadin.flow.router.Route;
import dev.ditto.settings.FeatureSettings;
import dev.ditto.settings.LiveSettings;
import dev.ditto.settings.Setting;
import dev.ditto.settings.SettingValue;
import dev.ditto.settings.SettingsService;
import jakarta.annotation.security.RolesAllowed;
import java.time.ZoneId;
import java.time.format.DateTimeFormatter;
import java.util.HashMap;
import java.util.Map;

/**
 * Settings that matter (model servers, judge threshold, normalisation format, upload and import limits, …), stored
 * over the configuration file and audited, in force as soon as they are saved. Each feature contributes its section:
 * its settings and what its running parts use now (from the parts themselves, not from the table); each row is
 * marked in effect or not yet.
 */
@Route("admin/settings")
@PageTitle("Settings · Ditto")
@Menu(title = "Settings", order = 82, icon = "vaadin:cog")
@RolesAllowed("ADMIN")
public class SettingsView extends VerticalLayout {
    private static final DateTimeFormatter TIME = DateTimeFormatter.ofPattern("yyyy-MM-dd HH:mm").withZone(ZoneId.systemDefault());

    private final SettingsService settings;
    private final LiveSettings live;
    private final VerticalLayout inForce = id(new VerticalLayout(), "settings-in-force");
    private final VerticalLayout rows = new VerticalLayout();

    public SettingsView(SettingsService settings, LiveSettings live) {
        this.settings = settings;
        this.live = live;
        setWidthFull();
        rows.setPadding(false);
        inForce.setPadding(false);
        inForce.setSpacing(false);
        add(new H2("Settings"), new Paragraph("A value set here overrides the configuration file (ditto.<key>); Reset returns "
                + "to the configured value. Changes are in force as soon as they are saved: the next campaign source is "
                + "written and the next sample judged with the new model server and thresholds, the next ingest uses the "
                + "new format. API keys are stored encrypted and never shown again."), inForce, rows);
        refresh();
    }

    private void refresh() {
        LiveSettings.Status status = live.status();
        showInForce(status);
        rows.removeAll();
        Map<Setting, Boolean> inEffect = live.inEffect();
        Map<Setting, SettingValue> values = new HashMap<>();
        settings.list().forEach(v -> values.put(v.setting(), v));
        for (LiveSettings.Section section : status.sections()) {
            rows.add(id(new H3(section.name()), "settings-section"));
            for (Setting setting : section.settings()) {
                SettingValue value = values.get(setting);
                if (value != null) {
                    rows.add(row(value, inEffect.getOrDefault(setting, false)));
                }
            }
        }
    }

    private void showInForce(LiveSettings.Status s) {
        inForce.removeAll();
        inForce.add(line("In force since " + TIME.format(s.appliedAt()) + ":", "in-force-since"));
        for (LiveSettings.Section section : s.sections()) {
            for (FeatureSettings.InForce l : section.inForce()) {
                inForce.add(line(l.text(), l.id()));
            }
        }
        for (String error : s.errors()) {
            Span e = line(error, "in-force-error");
            e.getStyle().set("color", "var(--lumo-error-text-color)");
            inForce.add(e);
        }
    }

    private static Span line(String text, String testId) {
        Span span = id(new Span(text), testId);
        span.getStyle().set("font-size", "var(--lumo-font-size-s)");
        return span;
    }

    private HorizontalLayout row(SettingValue value, boolean inEffect) {
        Setting setting = value.setting();
        boolean isSecret = setting.secret();
        AbstractField<?, String> field;
        if (isSecret) {
            PasswordField secret = new PasswordField(setting.label());
            secret.setPlaceholder(value.value().isEmpty() ? "not set" : "set (type to replace)");
            secret.setRevealButtonVisible(true);
            field = secret;
        } else {
            TextField text = new TextField(setting.label());
            text.setValue(value.value());
            field = text;
        }
        id(field, "setting-" + setting.key());
        ((HasValue<?, ?>) field).setReadOnly(false);
        field.getElement().setAttribute("title", setting.property());
        ((com.vaadin.flow.component.HasSize) field).setWidth("26em");
        Span applies = id(new Span(inEffect ? "in effect" : "not in effect yet"), "setting-applies-" + setting.key());
        applies.getElement().getThemeList().add(inEffect ? "badge success" : "badge error");
        applies.getElement().setAttribute("title", inEffect ? "the running server uses this value"
                : "saved, but the running server has not applied it (see the note above)");
        Span source = new Span(switch (value.source()) {
            case ADMIN -> "set by " + value.updatedBy() + (value.updatedAt() == null ? "" : " " + TIME.format(value.updatedAt()));
            case CONFIGURATION -> "from configuration";
            case DEFAULT -> "default";
        });
        source.getStyle().set("font-size", "var(--lumo-font-size-s)").set("color", "var(--lumo-secondary-text-color)");
        Button save = id(new Button("Save"), "setting-save-" + setting.key());
        save.addThemeVariants(ButtonVariant.LUMO_SMALL, ButtonVariant.LUMO_PRIMARY);
        save.addClickListener(e -> {
            if (isSecret && field.getValue().isEmpty()) {
                Ids.failure("Type the new key to replace it, or use Clear to remove it.");
                return;
            }
            try {
                SettingValue saved = settings.set(setting, field.getValue());
                boolean applied = live.inEffect(setting);
                Ids.success(setting.label() + " saved" + (applied ? "; it is in effect now." : "; it could not be applied yet (see above).")
                        + (isSecret ? "" : " (" + saved.value() + ")"));
                refresh();
            } catch (IllegalArgumentException ex) {
                Ids.failure(ex.getMessage());
            }
        });
        Button clear = id(new Button("Clear"), "setting-clear-" + setting.key());
        clear.addThemeVariants(ButtonVariant.LUMO_SMALL, ButtonVariant.LUMO_TERTIARY, ButtonVariant.LUMO_ERROR);
        clear.setVisible(isSecret);
        clear.setEnabled(!value.value().isEmpty());
        clear.addClickListener(e -> {
            settings.set(setting, "");
            Ids.success(setting.label() + " cleared: no key is sent.");
            refresh();
        });
        Button reset = id(new Button("Reset"), "setting-reset-" + setting.key());
        reset.addThemeVariants(ButtonVariant.LUMO_SMALL, ButtonVariant.LUMO_TERTIARY);
        reset.setEnabled(value.source() == SettingValue.Source.ADMIN);
        reset.addClickListener(e -> {
            settings.reset(setting);
            Ids.success(setting.label() + " is back to the configured value.");
            refresh();
        });
        HorizontalLayout row = new HorizontalLayout(field, save, clear, reset, applies, source);
        row.setAlignItems(FlexComponent.Alignment.BASELINE);
        row.getElement().setAttribute("data-testid", "setting-row");
        row.getElement().setAttribute("data-key", setting.key());
        return row;
    }
}
