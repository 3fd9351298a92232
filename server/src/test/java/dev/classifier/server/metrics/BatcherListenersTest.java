package dev.classifier.server.metrics;

import static org.assertj.core.api.Assertions.assertThat;

import dev.classifier.batching.BatcherListener;
import java.lang.reflect.Method;
import java.lang.reflect.Proxy;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/** {@link BatcherListeners#both} must hand every event, including ones added later, to both. */
class BatcherListenersTest {
  private static BatcherListener recording(List<String> heard) {
    return (BatcherListener)
        Proxy.newProxyInstance(
            BatcherListener.class.getClassLoader(),
            new Class<?>[] {BatcherListener.class},
            (proxy, method, args) -> {
              heard.add(method.getName());
              return null;
            });
  }

  private static Object defaultValue(Class<?> type) {
    if (type == boolean.class) {
      return false;
    }
    if (type == int.class) {
      return 0;
    }
    if (type == long.class) {
      return 0L;
    }
    return null;
  }

  @Test
  void everyEventReachesBothListeners() throws Exception {
    List<String> first = new ArrayList<>();
    List<String> second = new ArrayList<>();
    BatcherListener both = BatcherListeners.both(recording(first), recording(second));
    List<String> expected = new ArrayList<>();
    // the interface's own methods, read by reflection: a new event cannot be forgotten silently
    for (Method m : BatcherListener.class.getDeclaredMethods()) {
      if (m.isSynthetic() || java.lang.reflect.Modifier.isStatic(m.getModifiers())) {
        continue;
      }
      Object[] args = new Object[m.getParameterCount()];
      for (int i = 0; i < args.length; i++) {
        args[i] = defaultValue(m.getParameterTypes()[i]);
      }
      m.invoke(both, args);
      expected.add(m.getName());
    }
    assertThat(expected).contains("onWatchdogTimeout", "onWedgedRunReturned", "onBatchCompleted");
    assertThat(first).containsExactlyElementsOf(expected);
    assertThat(second).containsExactlyElementsOf(expected);
  }
}
