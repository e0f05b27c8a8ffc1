package dev.ditto.ui.admin;

import static dev.ditto.ui.admin.Ids.id;

import com.vaadin.flow.component.button.Button;
import com.vaadin.flow.component.button.ButtonVariant;
import com.vaadin.flow.component.html.H2;
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
import dev.ditto.settings.Setting;
import dev.ditto.settings.SettingValue;
import dev.ditto.settings.SettingsService;
import jakarta.annotation.security.RolesAllowed;
import java.time.ZoneId;
import java.time.format.DateTimeFormatter;

/**
 * Settings that matter (model servers, judge threshold, normalisation format, upload and import limits), stored
 * over the configuration file and audited. Each row says whether a change applies now or at the next start.
 */
@Route("admin/settings")
@PageTitle("Settings · Ditto")
@Menu(title = "Settings", order = 82, icon = "vaadin:cog")
@RolesAllowed("ADMIN")
public class SettingsView extends VerticalLayout {
    private static final DateTimeFormatter TIME = DateTimeFormatter.ofPattern("yyyy-MM-dd HH:mm").withZone(ZoneId.systemDefault());

    private final SettingsService settings;
    private final VerticalLayout rows = new VerticalLayout();

    public SettingsView(SettingsService settings) {
        this.settings = settings;
        setWidthFull();
        rows.setPadding(false);
        add(new H2("Settings"), new Paragraph("A value set here overrides the configuration file (ditto.<key>); Reset returns "
                + "to the configured value. Model servers, thresholds and the normalisation format are read when the server "
                + "starts: restart it for them to take effect. Import limits apply to the next import."), rows);
        refresh();
    }

    private void refresh() {
        rows.removeAll();
        for (SettingValue value : settings.list()) {
            rows.add(row(value));
        }
    }

    private HorizontalLayout row(SettingValue value) {
        Setting setting = value.setting();
        AbstractField<?, String> field;
        if (setting.kind() == Setting.Kind.SECRET) {
            PasswordField secret = new PasswordField(setting.label());
            secret.setPlaceholder(value.value().isEmpty() ? "not set" : "set (type to replace)");
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
        Span applies = id(new Span(setting.applies() == Setting.Applies.NOW ? "applies now" : "applies at restart"),
                "setting-applies-" + setting.key());
        applies.getElement().getThemeList().add(setting.applies() == Setting.Applies.NOW ? "badge success" : "badge contrast");
        Span source = new Span(switch (value.source()) {
            case ADMIN -> "set by " + value.updatedBy() + (value.updatedAt() == null ? "" : " " + TIME.format(value.updatedAt()));
            case CONFIGURATION -> "from configuration";
            case DEFAULT -> "default";
        });
        source.getStyle().set("font-size", "var(--lumo-font-size-s)").set("color", "var(--lumo-secondary-text-color)");
        Button save = id(new Button("Save"), "setting-save-" + setting.key());
        save.addThemeVariants(ButtonVariant.LUMO_SMALL, ButtonVariant.LUMO_PRIMARY);
        save.addClickListener(e -> {
            try {
                SettingValue saved = settings.set(setting, field.getValue());
                Ids.success(setting.label() + " saved" + (setting.applies() == Setting.Applies.NOW ? "; it applies now."
                        : "; it takes effect when the server restarts.") + (setting.kind() == Setting.Kind.SECRET ? "" : " (" + saved.value() + ")"));
                refresh();
            } catch (IllegalArgumentException ex) {
                Ids.failure(ex.getMessage());
            }
        });
        Button reset = id(new Button("Reset"), "setting-reset-" + setting.key());
        reset.addThemeVariants(ButtonVariant.LUMO_SMALL, ButtonVariant.LUMO_TERTIARY);
        reset.setEnabled(value.source() == SettingValue.Source.ADMIN);
        reset.addClickListener(e -> {
            settings.reset(setting);
            Ids.success(setting.label() + " is back to the configured value.");
            refresh();
        });
        HorizontalLayout row = new HorizontalLayout(field, save, reset, applies, source);
        row.setAlignItems(FlexComponent.Alignment.BASELINE);
        row.getElement().setAttribute("data-testid", "setting-row");
        row.getElement().setAttribute("data-key", setting.key());
        return row;
    }
}
