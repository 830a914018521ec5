function unpack(p) {
    var s = Math.pow(10, p[0]), lat = 0, lon = 0, out = [];
    for (var k = 1; k < p.length; k += 2) { lat += p[k]; lon += p[k + 1]; out.push([lat / s, lon / s]); }
    return out;
}
