"""A call runs in a fresh __main__; a session's calls share one."""

import builtins
import unittest

from pyexec_harness.namespace import MainNamespaces


class MainNamespacesTest(unittest.TestCase):
    def test_every_call_gets_a_fresh_main_with_the_real_builtins(self):
        namespaces = MainNamespaces()
        first, second = namespaces.next(), namespaces.next()
        self.assertIsNot(first, second)
        self.assertEqual(first.__name__, "__main__")
        self.assertIs(first.__dict__["__builtins__"], builtins)
        self.assertEqual(first.__dict__["__annotations__"], {})

    def test_a_session_keeps_one_main_for_all_its_calls(self):
        namespaces = MainNamespaces(keep=True)
        first = namespaces.next()
        first.__dict__["kept"] = 1
        self.assertIs(namespaces.next(), first)
        self.assertTrue(namespaces.kept)
