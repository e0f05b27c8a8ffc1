package dev.ditto.agent.judge;

import static org.assertj.core.api.Assertions.assertThat;

import dev.ditto.protocol.EditSpec;
import java.awt.Color;
import java.awt.Graphics2D;
import java.awt.image.BufferedImage;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.util.List;
import java.util.Map;
import javax.imageio.ImageIO;
import org.junit.jupiter.api.Test;

class FramePairTest {

    @Test
    void contactSheetsAreCutIntoOnePairPerFrameInTimeOrder() throws IOException {
        Color[] colours = {Color.RED, Color.GREEN, Color.BLUE, Color.YELLOW};
        BufferedImage sheet = new BufferedImage(4 * 64, 36, BufferedImage.TYPE_INT_RGB);
        BufferedImage mask = new BufferedImage(4 * 64, 36, BufferedImage.TYPE_BYTE_GRAY);
        Graphics2D g = sheet.createGraphics();
        Graphics2D m = mask.createGraphics();
        for (int i = 0; i < 4; i++) {
            g.setColor(colours[i]);
            g.fillRect(i * 64, 0, 64, 36);
            m.setColor(new Color(i * 80, i * 80, i * 80));
            m.fillRect(i * 64, 0, 64, 36);
        }
        g.dispose();
        m.dispose();

        List<FramePair> pairs = FramePair.fromSheets(List.of(0, 24, 48, 72), PerOperatorExpectationsTest.jpeg(sheet),
                PerOperatorExpectationsTest.jpeg(sheet), PerOperatorExpectationsTest.png(mask));

        assertThat(pairs).extracting(FramePair::frameIndex).containsExactly(0, 24, 48, 72);
        assertThat(pairs).allMatch(FramePair::hasMask);
        for (int i = 0; i < 4; i++) {
            BufferedImage tile = ImageIO.read(new ByteArrayInputStream(pairs.get(i).edited()));
            assertThat(tile.getWidth()).isEqualTo(64);
            Color c = new Color(tile.getRGB(32, 18));
            assertThat(Math.abs(c.getRed() - colours[i].getRed()) + Math.abs(c.getGreen() - colours[i].getGreen())
                    + Math.abs(c.getBlue() - colours[i].getBlue())).isLessThan(30);
            BufferedImage maskTile = ImageIO.read(new ByteArrayInputStream(pairs.get(i).mask()));
            assertThat(maskTile.getRaster().getSample(32, 18, 0)).isEqualTo(i * 80);
        }
    }

    @Test
    void undecodableSheetsGiveNoPairsAndTheOldInputHasNone() {
        assertThat(FramePair.fromSheets(List.of(0, 1), new byte[] {1, 2}, new byte[] {3}, new byte[0])).isEmpty();

        JudgeInput old = new JudgeInput("s", "x", new EditSpec("grade", Map.of("grade", "night"), 1, "x"),
                new byte[0], new byte[0], Map.of());

        assertThat(old.frames()).isEmpty();
    }
}
