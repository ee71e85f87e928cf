/* placeholder: being written */
typedef int placeholder_unit_;
