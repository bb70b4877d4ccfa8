"""engine/import_order.py: the import lines a migration adds go where isort / ruff's ``I``
rules put them; the user's own lines keep their order and comments."""
from __future__ import annotations

import textwrap

import libcst as cst

from migrator.engine import migrate_source
from migrator.engine.import_order import order_new_imports


def _order(source: str, migrated: str, first_party=()) -> str:
    src, new = textwrap.dedent(source), textwrap.dedent(migrated)
    return order_new_imports(cst.parse_module(src), cst.parse_module(new), first_party).code


def test_keras_joins_the_third_party_section_in_order():
    src = '''\
        """Doc."""
        import os

        import numpy as np
        import tensorflow as tf
        from sklearn.datasets import load_digits

        x = 1
        '''
    # what the add and remove passes leave: tensorflow gone, keras appended at the block's end
    new = '''\
        """Doc."""
        import os

        import numpy as np
        from sklearn.datasets import load_digits
        import keras

        x = 1
        '''
    assert _order(src, new) == textwrap.dedent('''\
        """Doc."""
        import os

        import keras
        import numpy as np
        from sklearn.datasets import load_digits

        x = 1
        ''')


def test_a_new_section_is_separated_by_a_blank_line():
    src = "from __future__ import print_function\nimport tflearn\n\nx = 1\n"
    new = "from __future__ import print_function\nimport keras\nimport numpy as np\n\nx = 1\n"
    assert _order(src, new) == "from __future__ import print_function\n\nimport keras\nimport numpy as np\n\nx = 1\n"
    # a new standard-library line goes before the third-party section, a blank line between
    src = "import numpy as np\nimport tensorflow as tf\n\nx = 1\n"
    new = "import numpy as np\nimport argparse\n\nx = 1\n"
    assert _order(src, new) == "import argparse\n\nimport numpy as np\n\nx = 1\n"


def test_the_users_lines_keep_their_order_and_comments():
    # an unsorted section: the new line goes before the first line that sorts after it
    src = '"""Doc."""\n# data\nimport scipy\nimport numpy as np  # arrays\nimport tflearn\n\nx = 1\n'
    new = '"""Doc."""\n# data\nimport scipy\nimport numpy as np  # arrays\nimport keras\n\nx = 1\n'
    assert _order(src, new) == '"""Doc."""\nimport keras\n# data\nimport scipy\nimport numpy as np  # arrays\n\nx = 1\n'


def test_the_helpers_module_is_first_party_after_the_rest():
    src = "import numpy as np\nimport tflearn\n\nx = 1\n"
    new = "import numpy as np\nfrom tfm_helpers import tflearn_shuffle\nimport keras\n\nx = 1\n"
    assert _order(src, new, {"tfm_helpers"}) == (
        "import keras\nimport numpy as np\n\nfrom tfm_helpers import tflearn_shuffle\n\nx = 1\n")


def test_nothing_added_nothing_moved():
    src = "import numpy as np\nimport keras\n\nx = 1\n"
    assert _order(src, src) == src


def test_migrated_files_are_sorted_and_stay_so():
    src = textwrap.dedent('''\
        import os

        import numpy as np
        import tensorflow as tf
        from sklearn.datasets import load_digits

        x = tf.placeholder(tf.float32, [None, 4])
        h = tf.layers.dense(x, 3)
        ''')
    out = migrate_source(src, "m.py").code
    block = out.split("\n\n\n")[0]
    assert block.startswith("import os\n\nimport keras\nimport numpy as np\nfrom sklearn.datasets import load_digits"), out
    assert migrate_source(out, "m.py").code == out  # a second run changes nothing
