package dev.ditto.ui.admin;

import static dev.ditto.ui.admin.Ids.id;

import com.vaadin.flow.component.button.Button;
import com.vaadin.flow.component.button.ButtonVariant;
import com.vaadin.flow.component.dialog.Dialog;
import com.vaadin.flow.component.html.Paragraph;
import com.vaadin.flow.component.icon.VaadinIcon;
import com.vaadin.flow.component.orderedlayout.FlexComponent;
import com.vaadin.flow.component.orderedlayout.HorizontalLayout;
import com.vaadin.flow.component.textfield.TextField;

/**
 * A dialog that shows a new secret (a runner token, an API token) the one time it exists in the clear, with a copy
 * button; its test ids start with {@code prefix} ({@code -dialog}, {@code -value}, {@code -copy}, {@code -close}).
 */
final class ShownOnce {
    private ShownOnce() {}

    static Dialog open(String title, String secret, String prefix) {
        Dialog dialog = id(new Dialog(), prefix + "-dialog");
        dialog.setHeaderTitle(title);
        dialog.setCloseOnOutsideClick(false);
        TextField value = id(new TextField("Token"), prefix + "-value");
        value.setValue(secret);
        value.setReadOnly(true);
        value.setWidthFull();
        Button copy = id(new Button("Copy", VaadinIcon.COPY.create()), prefix + "-copy");
        copy.addClickListener(e -> copy.getElement()
                .executeJs("return navigator.clipboard ? navigator.clipboard.writeText($0).then(() => true, () => false) : false", secret)
                .then(Boolean.class, ok -> Ids.success(ok ? "Copied." : "Select the token and copy it by hand.")));
        HorizontalLayout row = new HorizontalLayout(value, copy);
        row.setAlignItems(FlexComponent.Alignment.BASELINE);
        row.setWidthFull();
        row.expand(value);
        dialog.add(new Paragraph("This is the only time the token is shown: it is stored as a hash. Copy it now."), row);
        Button close = id(new Button("I have copied it", e -> dialog.close()), prefix + "-close");
        close.addThemeVariants(ButtonVariant.LUMO_PRIMARY);
        dialog.getFooter().add(close);
        dialog.setWidth("min(44em, 95vw)");
        dialog.open();
        return dialog;
    }
}
