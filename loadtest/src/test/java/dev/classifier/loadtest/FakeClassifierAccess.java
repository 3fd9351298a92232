package dev.classifier.loadtest;

/** Lets tests in sub-packages start the package-private {@link FakeClassifier}. */
public final class FakeClassifierAccess {
  private FakeClassifierAccess() {}

  public static AutoCloseable start(long stallAt, long stallMillis) throws Exception {
    return new FakeClassifier(stallAt, stallMillis);
  }

  public static String target(AutoCloseable fake) {
    return ((FakeClassifier) fake).target();
  }
}
