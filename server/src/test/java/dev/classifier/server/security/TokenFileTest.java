package dev.classifier.server.security;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.util.Base64;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;

class TokenFileTest {
  @Test
  void hashIsSha256OfSaltAndTokenAndMatchesOnlyThatToken() throws Exception {
    String token = TokenHash.newToken();
    assertThat(token).startsWith("clf_").hasSize(4 + 43);
    TokenHash h = TokenHash.of(token);
    String[] parts = h.toString().split("\\$");
    assertThat(parts[0]).isEqualTo("sha256");
    byte[] salt = Base64.getUrlDecoder().decode(parts[1]);
    MessageDigest d = MessageDigest.getInstance("SHA-256");
    d.update(salt);
    d.update(token.getBytes(StandardCharsets.UTF_8));
    assertThat(Base64.getUrlDecoder().decode(parts[2])).isEqualTo(d.digest());
    assertThat(h.matches(token)).isTrue();
    assertThat(h.matches(token + "x")).isFalse();
    assertThat(TokenHash.parse(h.toString()).matches(token)).isTrue();
    // same token, fresh salt: a different line, both match
    TokenHash again = TokenHash.of(token);
    assertThat(again.toString()).isNotEqualTo(h.toString());
    assertThat(again.matches(token)).isTrue();
  }

  @Test
  void linesRoundTripAndTheFileHoldsNoToken() {
    String token = TokenHash.newToken();
    TokenFile.Entry e =
        new TokenFile.Entry(
            new Principal("backend-a", Set.of("resnet50", "fashion-mnist"), false, "token"),
            TokenHash.of(token));
    String text = "# comment\n\n" + e.line() + "\n";
    assertThat(text).doesNotContain(token);
    List<TokenFile.Entry> parsed = TokenFile.parse(text.getBytes(StandardCharsets.UTF_8));
    assertThat(parsed).hasSize(1);
    assertThat(parsed.get(0).principal())
        .isEqualTo(new Principal("backend-a", Set.of("fashion-mnist", "resnet50"), false, "token"));
    assertThat(parsed.get(0).hash().matches(token)).isTrue();
    assertThat(e.line()).contains("models=fashion-mnist,resnet50 admin=false");
  }

  @Test
  void errorsNameTheLineAndNeverTheSecret() {
    String h = TokenHash.of("x".repeat(20)).toString();
    List<String[]> cases =
        List.of(
            new String[] {"name=a models=*", "token file line 1: name and hash are required"},
            new String[] {"\nname=a hash=" + h, "token file line 2: models is required"},
            new String[] {"name=a hash=md5$x$y models=*", "token file line 1: hash must look like"},
            new String[] {
              "name=a hash=" + h + " models=* admin=yes", "token file line 1: admin must be"
            },
            new String[] {
              "name=a hash=" + h + " models=* colour=red",
              "token file line 1: unknown field 'colour'"
            },
            new String[] {
              "name=a hash=" + h + " models=\nname=a hash=" + h + " models=*",
              "token file line 1: identity 'a' names no models"
            },
            new String[] {
              "name=a hash=" + h + " models=*\nname=a hash=" + h + " models=*",
              "token file line 2: name 'a' appears twice"
            });
    for (String[] c : cases) {
      assertThatThrownBy(() -> TokenFile.parse(c[0].getBytes(StandardCharsets.UTF_8)))
          .as(c[0])
          .hasMessageStartingWith(c[1])
          .satisfies(ex -> assertThat(ex.getMessage()).doesNotContain(h));
    }
  }

  @Test
  void principalModelRules() {
    Principal some = new Principal("p", Set.of("a"), false, "token");
    assertThat(some.mayUse("a")).isTrue();
    assertThat(some.mayUse("b")).isFalse();
    assertThat(some.mayUse(null)).isFalse();
    assertThat(new Principal("q", Set.of("*"), false, "token").mayUse("anything")).isTrue();
  }
}
