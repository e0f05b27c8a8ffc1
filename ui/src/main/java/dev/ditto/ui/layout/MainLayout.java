package dev.ditto.ui.layout;

import com.vaadin.flow.component.AttachEvent;
import com.vaadin.flow.component.DetachEvent;
import com.vaadin.flow.component.UI;
import com.vaadin.flow.component.applayout.AppLayout;
import com.vaadin.flow.component.applayout.DrawerToggle;
import com.vaadin.flow.component.button.Button;
import com.vaadin.flow.component.button.ButtonVariant;
import com.vaadin.flow.component.html.Div;
import com.vaadin.flow.component.html.H1;
import com.vaadin.flow.component.html.Span;
import com.vaadin.flow.component.icon.VaadinIcon;
import com.vaadin.flow.component.orderedlayout.FlexComponent;
import com.vaadin.flow.component.orderedlayout.HorizontalLayout;
import com.vaadin.flow.component.sidenav.SideNav;
import com.vaadin.flow.component.sidenav.SideNavItem;
import com.vaadin.flow.router.Layout;
import com.vaadin.flow.server.menu.MenuConfiguration;
import com.vaadin.flow.spring.security.AuthenticationContext;
import dev.ditto.platform.DatabaseStatus;
import jakarta.annotation.security.PermitAll;
import org.jspecify.annotations.Nullable;

/**
 * The frame around every view. The navigation lists the views annotated with {@code @Menu} that the signed-in
 * user's role may open, so a feature adds itself to the menu by annotating its view. While PostgreSQL is unavailable a
 * banner across the top says so (pushed to every open page when it changes), and hides itself when it is back.
 */
@Layout
@PermitAll
public class MainLayout extends AppLayout {
    private final DatabaseStatus database;
    private final Div databaseBanner = new Div();
    private @Nullable Runnable unsubscribe;

    public MainLayout(AuthenticationContext auth, DatabaseStatus database) {
        this.database = database;
        H1 title = new H1("Ditto");
        title.getStyle().set("font-size", "var(--lumo-font-size-l)").set("margin", "0");
        Span user = new Span(auth.getPrincipalName().orElse(""));
        user.getElement().setAttribute("data-testid", "current-user");
        Button signOut = new Button("Sign out", VaadinIcon.SIGN_OUT.create(), e -> auth.logout());
        signOut.addThemeVariants(ButtonVariant.LUMO_TERTIARY);
        HorizontalLayout header = new HorizontalLayout(new DrawerToggle(), title, user, signOut);
        header.setWidthFull();
        header.setAlignItems(FlexComponent.Alignment.CENTER);
        header.expand(user);
        user.getStyle().set("text-align", "right");
        header.getStyle().set("padding-right", "var(--lumo-space-m)");
        databaseBanner.setText("The database (PostgreSQL) is unavailable: nothing can be saved or loaded right now. "
                + "This page recovers by itself when it is back; what you were doing is not lost.");
        databaseBanner.getElement().setAttribute("data-testid", "database-banner");
        databaseBanner.getElement().setAttribute("role", "alert");
        databaseBanner.getStyle().set("width", "100%").set("background", "var(--lumo-error-color)")
                .set("color", "var(--lumo-error-contrast-color)").set("padding", "var(--lumo-space-xs) var(--lumo-space-m)")
                .set("font-weight", "600").set("box-sizing", "border-box");
        databaseBanner.setVisible(!database.available());
        Div top = new Div(header, databaseBanner); // the banner as a row under the header, across the whole width
        top.setWidthFull();
        addToNavbar(top);

        SideNav nav = new SideNav();
        MenuConfiguration.getMenuEntries().forEach(entry -> {
            SideNavItem item = new SideNavItem(entry.title(), entry.path());
            if (entry.icon() != null) {
                item.setPrefixComponent(new com.vaadin.flow.component.icon.Icon(entry.icon()));
            }
            nav.addItem(item);
        });
        addToDrawer(nav);
        setPrimarySection(Section.DRAWER);
    }

    @Override
    protected void onAttach(AttachEvent event) {
        super.onAttach(event);
        UI ui = event.getUI();
        databaseBanner.setVisible(!database.available());
        unsubscribe = database.subscribe(available -> ui.access(() -> databaseBanner.setVisible(!available)));
    }

    @Override
    protected void onDetach(DetachEvent event) {
        if (unsubscribe != null) {
            unsubscribe.run();
            unsubscribe = null;
        }
        super.onDetach(event);
    }
}
