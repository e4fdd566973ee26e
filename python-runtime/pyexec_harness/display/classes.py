"""IPython.display's display classes (HTML, Markdown, SVG, Image, JSON, Latex, Javascript), for
code written for Jupyter where IPython is not installed. Each has the `_repr_*_` method the
bundle formatter asks for; none fetches a URL (an Image URL is shown as an <img> link)."""

from .._pristine import BUILTINS as __builtins__  # private builtins: see _pristine.py  # noqa: F401

import json
import os


class DisplayObject:
    """Data to show, given directly or read from `filename`."""

    _read_binary = False

    def __init__(self, data=None, url=None, filename=None, metadata=None):
        if isinstance(data, str) and filename is None and url is None and _names_file(data):
            data, filename = None, data
        if url is not None:
            raise ValueError(
                "%s(url=...) is not supported here (pyexec shows IPython displays without IPython, "
                "and fetches nothing): read the data and pass it" % type(self).__name__
            )
        if filename is not None:
            with open(filename, "rb" if self._read_binary else "r") as source:
                data = source.read()
        self.data = data
        self.filename = filename
        self.metadata = dict(metadata) if metadata else {}

    def __repr__(self):
        return "<%s.%s object>" % (type(self).__module__, type(self).__name__)

    def _with_metadata(self, data):
        return (data, self.metadata) if self.metadata else data


class TextDisplayObject(DisplayObject):
    def __init__(self, data=None, url=None, filename=None, metadata=None):
        super().__init__(data, url, filename, metadata)
        if self.data is not None and not isinstance(self.data, str):
            raise TypeError("%s expects text, got %s" % (type(self).__name__, type(self.data).__name__))


class HTML(TextDisplayObject):
    def _repr_html_(self):
        return self._with_metadata(self.data)


class Markdown(TextDisplayObject):
    def _repr_markdown_(self):
        return self._with_metadata(self.data)


class Latex(TextDisplayObject):
    def _repr_latex_(self):
        return self._with_metadata(self.data)


class SVG(DisplayObject):
    def __init__(self, data=None, url=None, filename=None, metadata=None):
        super().__init__(data, url, filename, metadata)
        if isinstance(self.data, bytes):
            self.data = self.data.decode("utf-8")

    def _repr_svg_(self):
        return self._with_metadata(self.data)


class Javascript(TextDisplayObject):
    def __init__(self, data=None, url=None, filename=None, lib=None, css=None):
        super().__init__(data, url, filename)
        self.lib = [lib] if isinstance(lib, str) else list(lib or ())
        self.css = [css] if isinstance(css, str) else list(css or ())

    def _repr_javascript_(self):
        loads = "".join("$.getScript(%s, function () {\n" % json.dumps(url) for url in self.lib)
        styles = "".join(
            "$('head').append($('<link rel=\"stylesheet\" type=\"text/css\" />').attr('href', %s));\n" % json.dumps(url)
            for url in self.css
        )
        return styles + loads + (self.data or "") + "});\n" * len(self.lib)


class JSON(DisplayObject):
    def __init__(self, data=None, url=None, filename=None, expanded=False, metadata=None, root="root", **kwargs):
        super().__init__(data, url, filename, metadata)
        if isinstance(self.data, str):
            self.data = json.loads(self.data)
        self.metadata.update({"expanded": expanded, "root": root}, **kwargs)

    def _repr_json_(self):
        return self.data, self.metadata


_IMAGE_TYPES = {"png": "image/png", "jpeg": "image/jpeg", "jpg": "image/jpeg", "gif": "image/gif"}


class Image(DisplayObject):
    """A PNG, JPEG or GIF image: embedded bytes, or an <img> link to a URL."""

    _read_binary = True

    def __init__(
        self,
        data=None,
        url=None,
        filename=None,
        format=None,
        embed=None,
        width=None,
        height=None,
        retina=False,
        unconfined=False,
        metadata=None,
        alt=None,
    ):
        if isinstance(data, str) and data.startswith(("http://", "https://")) and url is None:
            data, url = None, data
        self.url = url
        if url is not None and embed:
            raise ValueError("Image(url=..., embed=True) would fetch the URL; pyexec fetches nothing: pass the bytes")
        super().__init__(data, None, filename, metadata)
        self.format = _image_format(format, filename or url, self.data)
        self.width, self.height, self.alt, self.unconfined = width, height, alt, unconfined
        if retina:
            raise ValueError("Image(retina=True) is not supported by pyexec's IPython.display shim")

    def _size_metadata(self):
        metadata = dict(self.metadata)
        for key in ("width", "height", "alt"):
            if getattr(self, key) is not None:
                metadata[key] = getattr(self, key)
        if self.unconfined:
            metadata["unconfined"] = True
        return metadata

    def _repr_mimebundle_(self, include=None, exclude=None):
        if self.url is not None:
            import html

            attributes = "".join(
                ' %s="%s"' % (key, html.escape(str(value))) for key, value in self._size_metadata().items() if key != "unconfined"
            )
            return {"text/html": '<img src="%s"%s/>' % (html.escape(self.url), attributes)}
        if not isinstance(self.data, (bytes, bytearray)):
            raise TypeError("Image data must be bytes, got %s" % type(self.data).__name__)
        mime = _IMAGE_TYPES[self.format]
        metadata = self._size_metadata()
        return {mime: bytes(self.data)}, ({mime: metadata} if metadata else {})


def _image_format(given, name, data):
    if given is not None:
        fmt = given.lower()
    elif name and "." in name.rsplit("/", 1)[-1]:
        fmt = name.rsplit(".", 1)[-1].lower()
    elif isinstance(data, (bytes, bytearray)) and data[:8] == b"\x89PNG\r\n\x1a\n":
        fmt = "png"
    elif isinstance(data, (bytes, bytearray)) and data[:3] == b"\xff\xd8\xff":
        fmt = "jpeg"
    elif isinstance(data, (bytes, bytearray)) and data[:4] == b"GIF8":
        fmt = "gif"
    else:
        fmt = "png"
    if fmt not in _IMAGE_TYPES:
        raise ValueError("Image format must be one of png, jpeg, gif, got %r" % (fmt,))
    return "jpeg" if fmt == "jpg" else fmt


def _names_file(text):
    # IPython's rule: a short string without a newline that names an existing file is its name.
    return len(text) < 4096 and "\n" not in text and os.path.isfile(text)
