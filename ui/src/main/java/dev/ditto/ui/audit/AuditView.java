package dev.ditto.ui.audit;

import com.vaadin.flow.component.button.Button;
import com.vaadin.flow.component.combobox.ComboBox;
import com.vaadin.flow.component.grid.Grid;
import com.vaadin.flow.component.grid.GridVariant;
import com.vaadin.flow.component.html.H2;
import com.vaadin.flow.component.html.Pre;
import com.vaadin.flow.component.html.Span;
import com.vaadin.flow.component.orderedlayout.FlexComponent;
import com.vaadin.flow.component.orderedlayout.HorizontalLayout;
import com.vaadin.flow.component.orderedlayout.VerticalLayout;
import com.vaadin.flow.component.textfield.TextField;
import com.vaadin.flow.data.renderer.ComponentRenderer;
import com.vaadin.flow.data.value.ValueChangeMode;
import com.vaadin.flow.router.Menu;
import com.vaadin.flow.router.PageTitle;
import com.vaadin.flow.router.Route;
import dev.ditto.audit.AuditLog;
import dev.ditto.curation.AuditTrail;
import jakarta.annotation.security.RolesAllowed;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import org.jspecify.annotations.Nullable;

/** Every recorded decision, newest first, paged lazily and filtered by entity, action, actor or id. */
@Route("audit")
@PageTitle("Audit log · Ditto")
@Menu(title = "Audit log", order = 90, icon = "vaadin:records")
@RolesAllowed("ADMIN")
public class AuditView extends VerticalLayout {
    private static final DateTimeFormatter TIME = DateTimeFormatter.ofPattern("yyyy-MM-dd HH:mm:ss 'UTC'").withZone(ZoneOffset.UTC);

    private final AuditTrail trail;
    private final Grid<AuditLog.Entry> grid = new Grid<>();
    private final ComboBox<String> entity = new ComboBox<>("Entity");
    private final ComboBox<String> action = new ComboBox<>("Action");
    private final TextField actor = new TextField("Who");
    private final TextField entityId = new TextField("Id");

    public AuditView(AuditTrail trail) {
        this.trail = trail;
        setSizeFull();
        entity.setItems(trail.entities());
        entity.setClearButtonVisible(true);
        entity.getElement().setAttribute("data-testid", "audit-filter-entity");
        action.setItems(trail.actions());
        action.setClearButtonVisible(true);
        action.getElement().setAttribute("data-testid", "audit-filter-action");
        actor.setClearButtonVisible(true);
        actor.setValueChangeMode(ValueChangeMode.LAZY);
        actor.getElement().setAttribute("data-testid", "audit-filter-actor");
        entityId.setClearButtonVisible(true);
        entityId.setValueChangeMode(ValueChangeMode.LAZY);
        entityId.getElement().setAttribute("data-testid", "audit-filter-id");
        entity.addValueChangeListener(e -> refresh());
        action.addValueChangeListener(e -> refresh());
        actor.addValueChangeListener(e -> refresh());
        entityId.addValueChangeListener(e -> refresh());
        Button reload = new Button("Refresh", e -> {
            entity.setItems(trail.entities());
            action.setItems(trail.actions());
            refresh();
        });
        HorizontalLayout filters = new HorizontalLayout(entity, action, actor, entityId, reload);
        filters.setAlignItems(FlexComponent.Alignment.BASELINE);
        filters.getStyle().set("flex-wrap", "wrap");

        grid.getElement().setAttribute("data-testid", "audit-grid");
        grid.addThemeVariants(GridVariant.LUMO_COMPACT, GridVariant.LUMO_ROW_STRIPES);
        grid.addColumn(e -> TIME.format(e.at())).setHeader("When").setAutoWidth(true).setFlexGrow(0);
        grid.addColumn(AuditLog.Entry::actor).setHeader("Who").setAutoWidth(true).setFlexGrow(0);
        grid.addColumn(AuditLog.Entry::action).setHeader("What").setAutoWidth(true).setFlexGrow(0);
        grid.addColumn(e -> e.entity() + (e.entityId() == null ? "" : " " + e.entityId())).setHeader("Entity")
                .setAutoWidth(true).setFlexGrow(0);
        grid.addColumn(e -> abbreviate(e.before())).setHeader("Before").setFlexGrow(1);
        grid.addColumn(e -> abbreviate(e.after())).setHeader("After").setFlexGrow(1);
        grid.setItemDetailsRenderer(new ComponentRenderer<>(e -> {
            Pre pre = new Pre("before: " + (e.before() == null ? "–" : e.before()) + "\nafter:  " + (e.after() == null ? "–" : e.after()));
            pre.getStyle().set("white-space", "pre-wrap").set("margin", "0");
            return pre;
        }));
        grid.setSizeFull();
        refresh();
        Span hint = new Span("Click a row to see the full before and after.");
        hint.getStyle().set("font-size", "var(--lumo-font-size-s)").set("color", "var(--lumo-secondary-text-color)");
        add(new H2("Audit log"), filters, hint, grid);
        expand(grid);
    }

    private void refresh() {
        AuditTrail.Filter filter = new AuditTrail.Filter(entity.getValue(), action.getValue(), actor.getValue(), entityId.getValue());
        grid.setItems(query -> trail.page(filter, query.getOffset(), query.getLimit()).stream());
    }

    private static String abbreviate(@Nullable String json) {
        if (json == null) {
            return "–";
        }
        return json.length() > 120 ? json.substring(0, 119) + "…" : json;
    }
}
