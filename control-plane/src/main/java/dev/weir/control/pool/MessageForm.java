package dev.weir.control.pool;

import com.google.protobuf.Descriptors.FieldDescriptor;
import com.google.protobuf.Message;
import java.util.Map;

/** Structural checks and normal form for config messages, independent of their meaning. */
final class MessageForm {
  private MessageForm() {}

  /**
   * Refuses fields this build does not know anywhere in {@code message}: they would be stored and
   * pushed to proxies without ever being validated.
   */
  static void rejectUnknownFields(String path, Message message) {
    if (!message.getUnknownFields().asMap().isEmpty()) {
      throw ConfigRules.invalid(
          path
              + " has fields this weir-control does not know (numbers "
              + message.getUnknownFields().asMap().keySet()
              + "); upgrade weir-control to set them");
    }
    for (Map.Entry<FieldDescriptor, Object> field : message.getAllFields().entrySet()) {
      if (field.getKey().getJavaType() == FieldDescriptor.JavaType.MESSAGE
          && !field.getKey().isRepeated()) {
        rejectUnknownFields(path + "." + field.getKey().getName(), (Message) field.getValue());
      }
    }
  }

  /**
   * {@code message} without sub-messages that hold only defaults (a zero duration, an empty {@code
   * limits {}}), which mean the same as leaving them out.
   */
  @SuppressWarnings("unchecked")
  static <T extends Message> T prune(T message) {
    Message.Builder pruned = message.toBuilder();
    for (Map.Entry<FieldDescriptor, Object> field : message.getAllFields().entrySet()) {
      FieldDescriptor descriptor = field.getKey();
      if (descriptor.getJavaType() != FieldDescriptor.JavaType.MESSAGE || descriptor.isRepeated()) {
        continue;
      }
      Message child = prune((Message) field.getValue());
      if (child.equals(child.getDefaultInstanceForType())) {
        pruned.clearField(descriptor);
      } else {
        pruned.setField(descriptor, child);
      }
    }
    return (T) pruned.build();
  }
}
