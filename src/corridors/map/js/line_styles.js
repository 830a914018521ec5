(function (d, target) {
    if (window.corridorsLines) { window.corridorsLines(d, target); }
})({{ this.data }}, {{ this._parent.get_name() }});
